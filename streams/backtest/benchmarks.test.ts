import { describe, expect, it } from 'vitest';
import { benchmarks, buyAndHold, curveFigures, equalWeight } from './benchmarks.ts';
import { periodOf } from './metrics.ts';
import { barsByTicker } from './price-bars.ts';

const H = 3_600_000;
const D0 = Date.UTC(2024, 0, 2);
const bar = (ticker: string, ts: number, open: number, close: number) => ({ ticker, ts, open, high: Math.max(open, close), low: Math.min(open, close), close });

// Hourly bars: A rises 10 % twice on day 0 and falls 10 % on day 1; B is flat, then rises 20 %;
// C only starts on day 1. A's bar before the range is not the benchmark's.
const bars = barsByTicker(
  [
    bar('A', D0 - 2 * H, 90, 95),
    bar('A', D0 + 10 * H, 100, 110),
    bar('A', D0 + 11 * H, 110, 121),
    bar('A', D0 + 34 * H, 121, 108.9),
    bar('B', D0 + 10 * H, 50, 50),
    bar('B', D0 + 11 * H, 50, 50),
    bar('B', D0 + 34 * H, 50, 60),
    bar('C', D0 + 34 * H, 10, 12),
  ],
  H,
);
// The start, then the bar ends: 11:00 and 12:00 of day 0, 11:00 of day 1.
const points = [D0, D0 + 11 * H, D0 + 12 * H, D0 + 35 * H];
const hourly = periodOf(H);

describe('benchmarks', () => {
  // [case, values at the points]
  const cases: Array<[string, () => ReturnType<typeof buyAndHold>, number[]]> = [
    ['buy and hold: the mean of price / first open', () => buyAndHold(['A', 'B'], bars, points), [1, (1.1 + 1) / 2, (1.21 + 1) / 2, (1.089 + 1.2) / 2]],
    ['buy and hold: a ticker waits as cash until its first bar', () => buyAndHold(['A', 'C'], bars, points), [1, (1.1 + 1) / 2, (1.21 + 1) / 2, (1.089 + 1.2) / 2]],
    ['buy and hold of one ticker', () => buyAndHold(['A'], bars, points), [1, 1.1, 1.21, 1.089]],
    // Not rebalanced at 11:00 (day 0 goes on), rebalanced at 12:00 (its last close): day 1 is
    // the mean of −10 % and +20 % on 1.105.
    ['equal weight, rebalanced at each day\'s last close', () => equalWeight(['A', 'B'], bars, points, hourly), [1, 1.05, 1.105, 1.105 * ((0.9 + 1.2) / 2)]],
    ['a ticker without bars is left out', () => buyAndHold(['A', 'Z'], bars, points), [1, 1.1, 1.21, 1.089]],
  ];
  it.each(cases)('%s', (_n, make, values) => {
    const got = make()!;
    expect(got.map((p) => p.ts)).toEqual(points);
    got.forEach((p, i) => expect(p.value).toBeCloseTo(values[i]!, 12));
  });

  // [case, traded, index, [name, why] of each benchmark that cannot be formed]
  const missing: Array<[string, string[], string | undefined, Array<[string, string]>]> = [
    ['all there', ['A'], 'B', []],
    ['an index without bars', ['A'], 'SPY', [['SPY', 'no bars of SPY in market.candles for the range']]],
    ['no trades', [], undefined, [['buy and hold', 'no trades, so no traded tickers'], ['equal weight', 'no trades, so no traded tickers']]],
  ];
  it.each(missing)('says why one is missing: %s', (_n, traded, index, why) => {
    const all = benchmarks({ traded, index, bars, points, period: hourly });
    expect(all.map((b) => b.name)).toEqual(['buy and hold', 'equal weight', ...(index ? [index] : [])]);
    expect(all.filter((b) => !b.points).map((b) => [b.name, b.why])).toEqual(why);
  });

  it('figures of a curve: total return and drawdown; too few returns to annualise', () => {
    const f = curveFigures(buyAndHold(['A'], bars, points)!, hourly);
    expect(f.totalReturn).toBeCloseTo(0.089, 12);
    expect(f.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(f.periodicReturns).toHaveLength(2);
    expect(f.annualisedReturn).toBeNull();
  });
});
