// What a backtest report draws, every value computed before drawing: series on a time axis
// (epoch ms), so that the charts (charts/) hold no arithmetic of their own.

export interface TimePoint {
  ts: number;
  value: number;
}

export interface ReportSeries {
  /** The strategy's equity, starting at 1, marked at each time point. */
  equity: TimePoint[];
  /** Benchmarks over the same range and time points, each starting at 1. */
  benchmarks: Array<{ name: string; points: TimePoint[] }>;
  /** The strategy's drawdown at each point: a fraction ≤ 0 of the running peak. */
  drawdown: TimePoint[];
  /** Net return of each ticker's trades, compounded. */
  perTicker: Array<{ ticker: string; return: number; trades: number }>;
  /** Net return of every trade, a fraction. */
  tradeReturns: number[];
}
