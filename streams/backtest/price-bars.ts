// The bars a backtest trades and marks on, per ticker, sorted by start once: every lookup is a
// binary search, so a rule set's scoring costs little however many rule sets share one read.

export interface Bar {
  /** Bar start, epoch ms: the time of its open. */
  ts: number;
  /** Bar end, epoch ms: the time of its close. */
  end: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

export type BarsByTicker = ReadonlyMap<string, readonly Bar[]>;

/** Index of the first bar for which `atOrAfter` holds (bars sorted so that it flips once from false to true); bars.length if none. */
function firstWhere(bars: readonly Bar[], atOrAfter: (b: Bar) => boolean): number {
  let lo = 0;
  let hi = bars.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (atOrAfter(bars[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Index of the first bar starting at or after `t`; bars.length if none. */
export function firstStartingAtOrAfter(bars: readonly Bar[], t: number): number {
  return firstWhere(bars, (b) => b.ts >= t);
}

/** Index of the first bar ending at or after `t`; bars.length if none. */
export function firstEndingAtOrAfter(bars: readonly Bar[], t: number): number {
  return firstWhere(bars, (b) => b.end >= t);
}

/**
 * Bars per ticker sorted by start, one per start: of two records of one bar (a revised bar) the
 * later one in `candles` stands, as the sink and the signal engine keep the latest.
 */
export function barsByTicker(candles: Iterable<{ ticker: string } & Omit<Bar, 'end'>>, intervalMs: number): Map<string, Bar[]> {
  const latest = new Map<string, Map<number, Bar>>();
  for (const c of candles) {
    let byTs = latest.get(c.ticker);
    if (!byTs) latest.set(c.ticker, (byTs = new Map()));
    byTs.set(c.ts, { ts: c.ts, end: c.ts + intervalMs, open: c.open, high: c.high, low: c.low, close: c.close });
  }
  const out = new Map<string, Bar[]>();
  for (const ticker of [...latest.keys()].sort()) out.set(ticker, [...latest.get(ticker)!.values()].sort((a, b) => a.ts - b.ts));
  return out;
}

/**
 * The price of a ticker at each of `points` (sorted): the close of its last bar ending by then,
 * or before its first bar the open of that bar (money waiting to be invested is worth its
 * price: a ratio to it is 1). One pass over the bars and the points.
 */
export function pricesAt(bars: readonly Bar[], points: readonly number[]): number[] {
  const out: number[] = [];
  let i = -1;
  for (const t of points) {
    while (i + 1 < bars.length && bars[i + 1]!.end <= t) i++;
    out.push(i >= 0 ? bars[i]!.close : (bars[0]?.open ?? Number.NaN));
  }
  return out;
}
