import { describe, expect, it } from 'vitest';
import type { Signal } from '../../schemas/records.ts';
import { barsByTicker } from './price-bars.ts';
import { scoreSignals, summarize } from './score.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const bar = (ticker: string, minute: number, close: number, open = close) => ({ ticker, ts: T0 + minute * MIN, open, high: Math.max(open, close), low: Math.min(open, close), close });
const sig = (id: string, ticker: string, minute: number, action: 'BUY' | 'SELL'): Signal => ({
  signal_id: id, ts: T0 + minute * MIN, ticker, action, confidence: 0.6, reason: '{}', status: 'PENDING', executed_at: null, filled_price: null, shares: null,
});

describe('backtest scoring', () => {
  // A signal at minute 1 (the end of bar 0) enters at the open of bar 1, not at bar 0's close:
  // B gaps down from 50 to 49 after the signal, which a SELL does not earn.
  const candles = barsByTicker([bar('A', 0, 100), bar('A', 1, 102, 101), bar('A', 2, 99, 102), bar('A', 9, 110), bar('B', 0, 50), bar('B', 1, 45, 49)], MIN);

  const cases: Array<[string, Signal, number, number | null]> = [
    ['BUY then the price rises', sig('1', 'A', 1, 'BUY'), 1, 102 / 101 - 1],
    ['BUY then the price falls at the second bar', sig('1', 'A', 1, 'BUY'), 2, 99 / 101 - 1],
    ['SELL gains when the price falls, from the next open', sig('2', 'B', 1, 'SELL'), 1, 4 / 49],
    ['no bar late enough: unscored', sig('3', 'A', 1, 'BUY'), 60, null],
    ['no entry bar: unscored', sig('4', 'C', 1, 'BUY'), 1, null],
  ];
  it.each(cases)('%s', (_n, s, horizon, expected) => {
    const [scored] = scoreSignals([s], candles, [horizon]);
    const r = scored!.returns.get(horizon)!;
    if (expected === null) expect(r).toBeNull();
    else expect(r).toBeCloseTo(expected, 10);
  });

  it('summarizes the count per action, hit rate and average return per horizon', () => {
    const scored = scoreSignals([sig('1', 'A', 1, 'BUY'), sig('2', 'B', 1, 'SELL'), sig('3', 'A', 2, 'BUY'), sig('4', 'C', 1, 'BUY')], candles, [1]);
    const s = summarize(scored, [1]);
    // A@1 BUY: 101 → 102 = +0.99 %; B@1 SELL: 49 → 45 = +8.16 %; A@2 BUY: 102 → 99 = −2.94 %; C: no bars
    expect([s.signals, s.byAction]).toEqual([4, { BUY: 3, SELL: 1 }]);
    expect(s.horizons[0]!.scored).toBe(3);
    expect(s.horizons[0]!.hitRate).toBeCloseTo(2 / 3, 10);
    expect(s.horizons[0]!.averageReturn).toBeCloseTo((102 / 101 - 1 + 4 / 49 + 99 / 102 - 1) / 3, 10);
  });
});
