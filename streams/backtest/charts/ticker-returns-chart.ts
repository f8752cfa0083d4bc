import type { TopLevelSpec } from 'vega-lite';
import type { ReportSeries } from '../report-series.ts';
import { chartFrame } from './chart-frame.ts';

/** Each ticker's compounded net return, best first, losses in red; its trade count in its label. */
export function tickerReturnsChart(series: ReportSeries): TopLevelSpec {
  return chartFrame({
    title: 'Net return per ticker',
    rows: series.perTicker.map((t) => ({
      ticker: `${t.ticker} (${t.trades} ${t.trades === 1 ? 'trade' : 'trades'})`,
      return: t.return,
    })),
    emptyNote: 'No tickers: no trades in this range',
    // Horizontal bars, one row per ticker: names stay readable however many tickers there are.
    height: series.perTicker.length ? { step: 22 } : 120,
    layers: [
      {
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'ticker', type: 'nominal', title: null, sort: { field: 'return', order: 'descending' } },
          x: { field: 'return', type: 'quantitative', title: 'net return', axis: { format: '.1%' } },
          color: { condition: { test: 'datum.return < 0', value: '#d62728' }, value: '#2ca02c' },
        },
      },
    ],
  });
}
