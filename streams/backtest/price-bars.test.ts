import { describe, expect, it } from 'vitest';
import { barsByTicker, firstEndingAtOrAfter, firstStartingAtOrAfter, pricesAt } from './price-bars.ts';

const bar = (ticker: string, ts: number, open: number, close: number) => ({ ticker, ts, open, high: Math.max(open, close), low: Math.min(open, close), close });

describe('price bars', () => {
  // Out of order, and bar 20 of A twice: the later record stands.
  const bars = barsByTicker([bar('B', 0, 5, 5), bar('A', 20, 1, 2), bar('A', 0, 3, 4), bar('A', 10, 4, 5), bar('A', 20, 5, 6)], 10);
  const a = bars.get('A')!;

  it('sorts each ticker\'s bars, tickers in order, the latest record of a bar standing', () => {
    expect([...bars.keys()]).toEqual(['A', 'B']);
    expect(a.map((b) => [b.ts, b.end, b.close])).toEqual([[0, 10, 4], [10, 20, 5], [20, 30, 6]]);
  });

  // [case, time, first starting at or after, first ending at or after]
  const cases: Array<[string, number, number, number]> = [
    ['before every bar', -5, 0, 0],
    ['at a bar\'s start', 10, 1, 0],
    ['inside a bar', 15, 2, 1],
    ['at the last end', 30, 3, 2],
    ['after every bar', 31, 3, 3],
  ];
  it.each(cases)('search: %s', (_n, t, starting, ending) => {
    expect([firstStartingAtOrAfter(a, t), firstEndingAtOrAfter(a, t)]).toEqual([starting, ending]);
  });

  it('prices at points: the first open before any close, then the last close', () => {
    expect(pricesAt(a, [0, 9, 10, 25, 30, 99])).toEqual([3, 3, 4, 5, 6, 6]);
  });
});
