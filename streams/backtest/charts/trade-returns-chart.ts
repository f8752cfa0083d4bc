import type { TopLevelSpec } from 'vega-lite';
import type { ReportSeries } from '../report-series.ts';
import { chartFrame } from './chart-frame.ts';

/** How the net returns of single trades spread: a histogram over binned returns. */
export function tradeReturnsChart(series: ReportSeries): TopLevelSpec {
  return chartFrame({
    title: 'Distribution of trade returns',
    rows: series.tradeReturns.map((r) => ({ return: r })),
    emptyNote: 'No trades in this range',
    layers: [
      {
        mark: { type: 'bar', color: '#4c78a8' },
        encoding: {
          x: { field: 'return', type: 'quantitative', bin: { maxbins: 30 }, title: 'trade net return', axis: { format: '.1%' } },
          y: { aggregate: 'count', type: 'quantitative', title: 'trades' },
        },
      },
    ],
  });
}
