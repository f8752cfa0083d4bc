import type { TopLevelSpec } from 'vega-lite';
import type { ReportSeries } from '../report-series.ts';
import { chartFrame } from './chart-frame.ts';
import { utcTimeAxis } from './utc-time-axis.ts';

/** The strategy's drawdown from its running peak over time, an area below zero. */
export function drawdownChart(series: ReportSeries): TopLevelSpec {
  return chartFrame({
    title: 'Drawdown from the running peak',
    rows: series.drawdown.map((p) => ({ ts: p.ts, value: p.value })),
    emptyNote: 'No drawdown: no trades in this range',
    layers: [
      {
        mark: { type: 'area', color: '#d62728', opacity: 0.35, line: { color: '#d62728' } },
        encoding: {
          x: utcTimeAxis,
          y: { field: 'value', type: 'quantitative', title: 'drawdown', axis: { format: '.0%' } },
        },
      },
    ],
  });
}
