import type { TopLevelSpec } from 'vega-lite';
import { chartFrame } from './chart-frame.ts';

/** One cell of a sweep over two parameters: its metric, or null where that run had none. */
export interface HeatmapCell {
  x: string | number;
  y: string | number;
  value: number | null;
}

export interface HeatmapLabels {
  xTitle: string;
  yTitle: string;
  /** The metric's name: the chart's title and the colour legend's. */
  metric: string;
  /** d3-format of the values in the cells and the legend, e.g. `.1%`; default `.3~f`. */
  format?: string;
}

/**
 * A metric over a grid of two parameters, one coloured cell per pair with its value written in.
 * Numeric parameters are in numeric order (y growing upwards); others in the order given.
 * A cell without a value is grey with a dash, so a missing run is not read as a bad one; the
 * colour scheme is a light one so that the values written in black stay readable.
 */
export function parameterHeatmap(cells: readonly HeatmapCell[], labels: HeatmapLabels): TopLevelSpec {
  const format = labels.format ?? '.3~f';
  const ys = levels(cells.map((c) => c.y));
  const missing = { test: 'datum.value === null' };
  return chartFrame({
    title: labels.metric,
    rows: cells.map((c) => ({ ...c })),
    emptyNote: 'No runs in this sweep',
    height: cells.length ? { step: 28 } : 120,
    layers: [
      {
        // Shown, not filtered out as vega-lite does by default with a null colour value.
        mark: { type: 'rect', stroke: 'white', invalid: 'show' },
        encoding: {
          x: { field: 'x', type: 'ordinal', title: labels.xTitle, scale: { domain: levels(cells.map((c) => c.x)) }, axis: { labelAngle: 0 } },
          y: { field: 'y', type: 'ordinal', title: labels.yTitle, scale: { domain: ys.every(isNumber) ? [...ys].reverse() : ys } },
          color: {
            field: 'value',
            type: 'quantitative',
            title: labels.metric,
            scale: { scheme: 'lightmulti' },
            legend: { format },
            condition: { ...missing, value: '#e0e0e0' },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          x: { field: 'x', type: 'ordinal' },
          y: { field: 'y', type: 'ordinal' },
          text: { field: 'value', type: 'quantitative', format, condition: { ...missing, value: '–' } },
          color: { condition: { test: 'datum.value === null', value: '#666' }, value: 'black' },
        },
      },
    ],
  });
}

const isNumber = (v: string | number): v is number => typeof v === 'number';

// A parameter's levels once each: numbers ascending, anything else in the order first given.
function levels(values: ReadonlyArray<string | number>): Array<string | number> {
  const unique = [...new Set(values)];
  return unique.every(isNumber) ? unique.sort((a, b) => a - b) : unique;
}
