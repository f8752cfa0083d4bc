import type { BarsByTicker } from './price-bars.ts';
import { firstEndingAtOrAfter } from './price-bars.ts';
import type { TimePoint } from './report-series.ts';
import type { Trade, TradedSignal } from './trades.ts';

// The portfolio on a time axis: the initial capital, plus every closed trade's net P&L, plus
// every open position marked to market at the last close of its ticker (net of its entry
// commission; the exit's slippage and commission are paid when it closes). Positions are of a
// fixed notional whatever the equity, so P&L adds up rather than compounds.

/**
 * The time axis: `from`, then every bar end (of any ticker; sorted, distinct) after it up to
 * `until`: each is a close where something can be marked.
 */
export function markTimes(barEnds: readonly number[], from: number, until: number): number[] {
  const out = [from];
  for (const t of barEnds) if (t > from && t <= until) out.push(t);
  return out;
}

/** Index of the first point at or after `t` (points sorted); points.length if none. */
function pointAtOrAfter(points: readonly number[], t: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]! >= t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Equity in money at each point. A trade's value is a step function (0 before its entry, its
 * mark at each of its ticker's bar closes while open, its net P&L from its exit on): its steps
 * are added where they happen and summed once, so the cost is the bars held, not points × trades.
 */
export function equityCurve(trades: readonly Trade<TradedSignal>[], bars: BarsByTicker, points: readonly number[], capital: number): TimePoint[] {
  const steps = new Array<number>(points.length).fill(0);
  const step = (t: number, delta: number) => {
    const i = pointAtOrAfter(points, t);
    if (i < points.length) steps[i]! += delta;
  };
  for (const t of trades) {
    const list = bars.get(t.signal.ticker) ?? [];
    let value = -t.entryCommission + t.side * t.shares * (t.entryOpen - t.entryPrice);
    step(t.entryTs, value);
    for (let i = firstEndingAtOrAfter(list, t.entryTs); i < list.length && list[i]!.end < t.exitTs; i++) {
      const mark = -t.entryCommission + t.side * t.shares * (list[i]!.close - t.entryPrice);
      step(list[i]!.end, mark - value);
      value = mark;
    }
    step(t.exitTs, t.netPnl - value);
  }
  let equity = capital;
  return points.map((ts, i) => ({ ts, value: (equity += steps[i]!) }));
}

/** The fraction of [start, end] in which at least one position is open. */
export function exposure(trades: readonly Trade<TradedSignal>[], start: number, end: number): number {
  if (end <= start) return 0;
  const spans = trades.map((t) => [Math.max(start, t.entryTs), Math.min(end, t.exitTs)] as const).filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let reach = start;
  for (const [a, b] of spans) {
    if (b <= reach) continue;
    covered += b - Math.max(a, reach);
    reach = b;
  }
  return covered / (end - start);
}
