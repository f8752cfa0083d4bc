import { describe, expect, it } from 'vitest';
import type { Signal } from '../../schemas/records.ts';
import { equityCurve, exposure, markTimes } from './equity.ts';
import { barsByTicker } from './price-bars.ts';
import { simulateTrades, type Trade } from './trades.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const at = (minute: number) => T0 + minute * MIN;
const bar = (ticker: string, minute: number, open: number, close: number) => ({ ticker, ts: at(minute), open, high: Math.max(open, close), low: Math.min(open, close), close });
const sig = (id: string, ticker: string, minute: number, action: 'BUY' | 'SELL'): Signal => ({
  signal_id: id, ts: at(minute), ticker, action, confidence: 0.6, reason: '{}', status: 'PENDING', executed_at: null, filled_price: null, shares: null,
});

describe('equity curve', () => {
  const bars = barsByTicker([bar('A', 0, 100, 100), bar('A', 1, 100, 102), bar('A', 2, 102, 104), bar('A', 3, 104, 103), bar('B', 2, 50, 49), bar('B', 3, 49, 51)], MIN);
  const rules = { positionSize: 10_000, commissionBps: 10, slippageBps: 0, fillDelayMinutes: 0, overlap: false };
  // A long of 100 shares from 100 (minute 1) to the close 104 of the bar ending at minute 3; a
  // short of 200 shares of B from 50 (minute 2) to 49 (minute 3). 10 a side in commission on entry,
  // 0.1 % of the exit notional on exit.
  const trades = [...simulateTrades([sig('a', 'A', 1, 'BUY')], bars, { ...rules, holdMinutes: 2 }).trades, ...simulateTrades([sig('b', 'B', 2, 'SELL')], bars, { ...rules, holdMinutes: 1 }).trades];
  const ends = [...new Set([...bars.values()].flat().map((b) => b.end))].sort((a, b) => a - b);
  const curve = equityCurve(trades, bars, markTimes(ends, at(0), at(4)), 100_000);

  // [case, minute, equity]
  const cases: Array<[string, number, number]> = [
    ['the capital at the start', 0, 100_000],
    ['A filled at the open: its entry commission', 1, 100_000 - 10],
    ['A marked at its close, B filled', 2, 100_000 + (100 * (102 - 100) - 10) - 10],
    ['both closed: their net P&L', 3, 100_000 + (100 * (104 - 100) - 10 - 0.001 * 100 * 104) + (200 * (50 - 49) - 10 - 0.001 * 200 * 49)],
    ['nothing open: unchanged', 4, 100_000 + 379.6 + 180.2],
  ];
  it.each(cases)('%s', (_n, minute, equity) => {
    const point = curve.find((c) => c.ts === at(minute));
    expect(point?.value).toBeCloseTo(equity, 8);
  });
  it('ends at the sum of the net P&L', () => {
    expect(curve.at(-1)!.value - 100_000).toBeCloseTo(trades.reduce((a, t) => a + t.netPnl, 0), 8);
  });
});

describe('exposure', () => {
  const span = (entry: number, exit: number) => ({ entryTs: at(entry), exitTs: at(exit) }) as Trade;
  // [case, trades, fraction of minutes 0 to 10]
  const cases: Array<[string, Trade[], number]> = [
    ['none', [], 0],
    ['one', [span(2, 4)], 0.2],
    ['apart', [span(0, 2), span(5, 6)], 0.3],
    ['overlapping count once', [span(1, 5), span(3, 7), span(4, 6)], 0.6],
    ['clipped to the range', [span(-5, 1), span(9, 20)], 0.2],
  ];
  it.each(cases)('%s', (_n, trades, fraction) => {
    expect(exposure(trades, at(0), at(10))).toBeCloseTo(fraction, 12);
  });
});
