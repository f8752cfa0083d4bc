import type { ReportSeries } from './report-series.ts';

// A hand-made ReportSeries for the chart and report tests: ten trading days of January 2024,
// a strategy that gains, gives some back and recovers, two benchmarks, three tickers (one
// losing) and the trades behind them. No Kafka needed to draw a report.

const day = (d: number) => Date.UTC(2024, 0, d, 21, 0); // each day's close, 16:00 New York
const days = [2, 3, 4, 5, 8, 9, 10, 11, 12, 16].map(day);
const at = (values: number[]) => values.map((value, i) => ({ ts: days[i]!, value }));

export const SAMPLE_SERIES: ReportSeries = {
  equity: at([1, 1.012, 1.021, 1.008, 0.996, 1.004, 1.019, 1.033, 1.027, 1.041]),
  benchmarks: [
    { name: 'buy and hold (equal weight)', points: at([1, 1.004, 0.998, 1.001, 1.009, 1.006, 1.012, 1.015, 1.011, 1.018]) },
    { name: 'SPY', points: at([1, 0.994, 0.991, 0.998, 1.012, 1.01, 1.015, 1.016, 1.017, 1.015]) },
  ],
  drawdown: at([0, 0, 0, -0.012732, -0.024486, -0.016650, -0.001959, 0, -0.005808, 0]),
  perTicker: [
    { ticker: 'AAPL', return: 0.0312, trades: 5 },
    { ticker: 'MSFT', return: 0.0187, trades: 4 },
    { ticker: 'TSLA', return: -0.0094, trades: 3 },
  ],
  tradeReturns: [0.012, 0.009, -0.013, -0.012, 0.008, 0.015, 0.014, -0.006, 0.004, 0.011, -0.004, 0.002],
};

export const EMPTY_SERIES: ReportSeries = { equity: [], benchmarks: [], drawdown: [], perTicker: [], tradeReturns: [] };
