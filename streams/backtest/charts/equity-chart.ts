import type { TopLevelSpec } from 'vega-lite';
import type { ReportSeries } from '../report-series.ts';
import { chartFrame } from './chart-frame.ts';
import { utcTimeAxis } from './utc-time-axis.ts';

/** The strategy's equity against each benchmark, all starting at 1, on a UTC time axis. */
export function equityChart(series: ReportSeries): TopLevelSpec {
  const names = ['strategy', ...series.benchmarks.map((b) => b.name)];
  const rows = [
    ...series.equity.map((p) => ({ ts: p.ts, value: p.value, series: 'strategy' })),
    ...series.benchmarks.flatMap((b) => b.points.map((p) => ({ ts: p.ts, value: p.value, series: b.name }))),
  ];
  return chartFrame({
    title: 'Equity against benchmarks (start = 1)',
    rows,
    emptyNote: 'No equity: no trades in this range',
    layers: [
      {
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: utcTimeAxis,
          y: { field: 'value', type: 'quantitative', title: 'equity', scale: { zero: false }, axis: { format: '.2f' } },
          // The strategy first and in the first colour, benchmarks after it in their given order.
          color: { field: 'series', type: 'nominal', title: null, scale: { domain: names }, legend: { orient: 'top-left' } },
        },
      },
    ],
  });
}
