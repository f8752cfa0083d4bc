import { describe, expect, it } from 'vitest';
import type { Candle } from '../../schemas/records.ts';
import { screenBars } from './screen-bars.ts';

const T0 = Date.UTC(2024, 0, 2, 14, 30);
const MIN = 60_000;
const bar = (minute: number, p: Partial<Candle> = {}): Candle => ({ ticker: 'AAPL', ts: T0 + minute * MIN, interval: '1m', open: 10, high: 11, low: 9, close: 10.5, adjclose: null, volume: 100, source: 'yahoo', ...p });
const screen = (candles: Candle[]) => screenBars(candles, { interval: '1m', now: T0 + 10 * MIN, maxFutureMs: 5 * MIN });

describe('screenBars', () => {
  it.each([
    ['a zero price', bar(1, { low: 0, open: 0 }), /open = 0 is not a positive price/],
    ['a negative close', bar(1, { close: -1, low: -2 }), /close = -1 is not a positive price|low = -2/],
    ['high below low', bar(1, { high: 8, low: 9, open: 8.5, close: 8.5 }), /high 8 is below low 9/],
    ['an open above the high', bar(1, { open: 12 }), /open 12 is outside the bar's range \[low 9, high 11\]/],
    ['a close below the low', bar(1, { close: 8 }), /close 8 is outside/],
    ['negative volume', bar(1, { volume: -5 }), /volume = -5 is negative/],
    ['a non-finite price', bar(1, { high: Number.POSITIVE_INFINITY }), /high = Infinity is not a finite number/],
    ['a zero adjusted close', bar(1, { adjclose: 0 }), /adjclose = 0 is not a positive price/],
    ['another interval', bar(1, { interval: '1d' }), /a 1d bar, but this deployment's market.candles carries 1m bars/],
    ['a start beyond the future tolerance', bar(16), /more than 300 s after the source's clock/],
    ['a start before 1970', bar(0, { ts: -60_000 }), /before 1970/],
  ])('refuses %s with the reason, and keeps the other bars', (_, bad, reason) => {
    const { good, refused } = screen([bar(0), bad, bar(2)]);
    expect(good.map((c) => c.ts)).toEqual([bar(0).ts, bar(2).ts]);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.candle).toBe(bad);
    expect(refused[0]!.reason).toMatch(reason);
  });

  it('refuses every bar of a time that comes twice in one answer', () => {
    const { good, refused } = screen([bar(0), bar(1), bar(1, { close: 10.8 }), bar(2)]);
    expect(good.map((c) => c.ts)).toEqual([bar(0).ts, bar(2).ts]);
    expect(refused.map((r) => r.reason)).toEqual(['2 bars at 2024-01-02T14:31:00.000Z in one answer', '2 bars at 2024-01-02T14:31:00.000Z in one answer']);
  });

  it('keeps bars up to the tolerance, and says which refusals are only early', () => {
    const { good, refused } = screen([bar(15), bar(16), bar(17, { volume: -1 })]);
    expect(good.map((c) => c.ts)).toEqual([bar(15).ts]);
    expect(refused.map((r) => r.future)).toEqual([true, true]);
  });

  it('passes a flat bar (open = high = low = close) and a bar without volume', () => {
    expect(screen([bar(0, { open: 10, high: 10, low: 10, close: 10, volume: null })]).refused).toEqual([]);
  });
});
