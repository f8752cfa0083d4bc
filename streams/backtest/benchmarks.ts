import { annualise, drawdownOf, MIN_PERIODIC_RETURNS, periodicReturns, periodMarks, type Period } from './metrics.ts';
import { firstStartingAtOrAfter, pricesAt, type Bar, type BarsByTicker } from './price-bars.ts';
import type { TimePoint } from './report-series.ts';

// What the strategy is compared with, valued at the strategy's own time points and starting at
// 1: buy and hold of the traded tickers (the capital split equally at each one's first bar in
// the range, then held), the same tickers at equal weight rebalanced at the end of every period
// (each day for intraday and daily bars), and buy and hold of an index ticker. A ticker's share
// waits as cash until its first bar opens. No costs. Pure.

export interface Benchmark {
  name: string;
  /** What it holds, for the report. */
  description: string;
  /** Null when it cannot be formed (then `why`). */
  points: TimePoint[] | null;
  why?: string;
}

/** Each ticker's price at every point, from its first bar starting at or after the first point; tickers without one are left out. */
function priceRows(tickers: readonly string[], bars: BarsByTicker, points: readonly number[]): number[][] {
  const rows: number[][] = [];
  for (const ticker of tickers) {
    const list: readonly Bar[] = bars.get(ticker) ?? [];
    const inRange = list.slice(firstStartingAtOrAfter(list, points[0]!));
    if (inRange.length) rows.push(pricesAt(inRange, points));
  }
  return rows;
}

/** Whether the period ends at point i (the first point starts the first period). */
function periodEnds(points: readonly number[], i: number, period: Period): boolean {
  if (period.unit === 'bar' || i === 0 || i === points.length - 1) return true;
  return Math.floor(points[i]! / 86_400_000) !== Math.floor(points[i + 1]! / 86_400_000);
}

export function buyAndHold(tickers: readonly string[], bars: BarsByTicker, points: readonly number[]): TimePoint[] | null {
  const rows = priceRows(tickers, bars, points);
  if (!rows.length) return null;
  return points.map((ts, k) => ({ ts, value: rows.reduce((a, r) => a + r[k]! / r[0]!, 0) / rows.length }));
}

export function equalWeight(tickers: readonly string[], bars: BarsByTicker, points: readonly number[], period: Period): TimePoint[] | null {
  const rows = priceRows(tickers, bars, points);
  if (!rows.length) return null;
  let base = 1;
  let ref = rows.map((r) => r[0]!);
  return points.map((ts, k) => {
    const value = (base * rows.reduce((a, r, i) => a + r[k]! / ref[i]!, 0)) / rows.length;
    if (periodEnds(points, k, period)) {
      base = value;
      ref = rows.map((r) => r[k]!);
    }
    return { ts, value };
  });
}

export function benchmarks(o: { traded: readonly string[]; index?: string | undefined; bars: BarsByTicker; points: readonly number[]; period: Period }): Benchmark[] {
  const tickers = o.traded.join(', ');
  const noTrades = 'no trades, so no traded tickers';
  const out: Benchmark[] = [
    { name: 'buy and hold', description: `buy and hold of the traded tickers (${tickers || 'none'}), equal amounts at each one's first bar`, points: buyAndHold(o.traded, o.bars, o.points) },
    { name: 'equal weight', description: `the traded tickers at equal weight, rebalanced at each ${o.period.unit === 'day' ? 'day\'s last close' : 'bar close'}`, points: equalWeight(o.traded, o.bars, o.points, o.period) },
  ];
  for (const b of out) if (!b.points) b.why = o.traded.length ? 'no bars of the traded tickers in the range' : noTrades;
  if (o.index !== undefined) {
    const points = buyAndHold([o.index], o.bars, o.points);
    out.push({ name: o.index, description: `buy and hold of the index ticker ${o.index}`, points, ...(points ? {} : { why: `no bars of ${o.index} in market.candles for the range` }) });
  }
  return out;
}

export interface CurveFigures {
  totalReturn: number;
  annualisedReturn: number | null;
  maxDrawdown: number;
  periodicReturns: number[];
}

/** The figures a benchmark row shows, computed as the strategy's are. */
export function curveFigures(points: readonly TimePoint[], period: Period): CurveFigures {
  const returns = periodicReturns(periodMarks(points, period));
  const totalReturn = points.at(-1)!.value / points[0]!.value - 1;
  return {
    totalReturn,
    annualisedReturn: returns.length >= MIN_PERIODIC_RETURNS ? annualise(totalReturn, points.at(-1)!.ts - points[0]!.ts) : null,
    maxDrawdown: drawdownOf(points).max,
    periodicReturns: returns,
  };
}
