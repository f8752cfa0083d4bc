import type { TopLevelSpec } from 'vega-lite';

// What every report chart shares: one width, one look, and an empty chart that says why it is
// empty instead of a blank frame (a backtest without trades is a result, not an error).

export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 240;

// A layer as the top-level `layer` takes it (vega-lite exports its deeper types only as unstable).
type Layer = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];

/** A chart of `layers` over `rows`; with no rows, the same frame with `emptyNote` in its middle. */
export function chartFrame(o: {
  title: string;
  rows: object[];
  layers: Layer[];
  emptyNote: string;
  height?: number | { step: number };
}): TopLevelSpec {
  const note: Layer = {
    data: { values: [{ note: o.emptyNote }] },
    mark: { type: 'text', fontSize: 13, color: '#666' },
    encoding: {
      text: { field: 'note', type: 'nominal' },
      x: { value: CHART_WIDTH / 2 },
      y: { value: (typeof o.height === 'number' ? o.height : CHART_HEIGHT) / 2 },
    },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: o.title, anchor: 'start' },
    width: CHART_WIDTH,
    height: o.height ?? CHART_HEIGHT,
    background: 'white',
    data: { values: o.rows },
    layer: o.rows.length ? o.layers : [...o.layers, note],
    config: {
      font: 'sans-serif',
      view: { stroke: '#ddd' },
      // An axis over no data would describe its range to screen readers as "NaN to NaN".
      ...(o.rows.length ? {} : { axis: { aria: false } }),
    },
  };
}
