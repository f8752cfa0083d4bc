import { describe, expect, it } from 'vitest';
import type { Signal } from '../../schemas/records.ts';
import { barsByTicker } from './price-bars.ts';
import { simulateTrades, type ExitReason, type TradeRules } from './trades.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const at = (minute: number) => T0 + minute * MIN;
const bar = (ticker: string, minute: number, open: number, high: number, low: number, close: number) => ({ ticker, ts: at(minute), open, high, low, close });
const sig = (id: string, ticker: string, minute: number, action: 'BUY' | 'SELL'): Signal => ({
  signal_id: id, ts: at(minute), ticker, action, confidence: 0.6, reason: '{}', status: 'PENDING', executed_at: null, filled_price: null, shares: null,
});

// One-minute bars of A, minute by minute: open, high, low, close.
const bars = barsByTicker(
  [
    bar('A', 0, 100, 100, 100, 100),
    bar('A', 1, 100, 101, 99.5, 101),
    bar('A', 2, 101, 102, 100.5, 102),
    bar('A', 3, 102, 103, 101, 101.5),
    bar('A', 4, 101.5, 101.5, 99, 100),
    bar('A', 5, 100, 100, 100, 100),
    // G gaps down from 100 to an open of 95.
    bar('G', 0, 100, 100, 100, 100),
    bar('G', 1, 95, 96, 94, 95),
  ],
  MIN,
);
const base: TradeRules = { positionSize: 10_000, commissionBps: 0, slippageBps: 0, fillDelayMinutes: 0, holdMinutes: 2, overlap: false };

describe('trade simulation: one signal', () => {
  // [case, signal, rules, entry minute, entry price, exit minute (a bar end), exit level, reason, net return]
  const cases: Array<[string, Signal, Partial<TradeRules>, number, number, number, number, ExitReason, number]> = [
    ['BUY fills at the next open, exits at the close of the bar ending at fill + hold', sig('1', 'A', 1, 'BUY'), {}, 1, 100, 3, 102, 'horizon', 0.02],
    ['SELL is a short', sig('1', 'A', 1, 'SELL'), {}, 1, 100, 3, 102, 'horizon', -0.02],
    ['a delay fills at the first bar starting at or after signal + delay', sig('1', 'A', 1, 'BUY'), { fillDelayMinutes: 2, holdMinutes: 1 }, 3, 102, 4, 101.5, 'horizon', 101.5 / 102 - 1],
    ['a delay between bar starts waits for the next bar', sig('1', 'A', 1, 'BUY'), { fillDelayMinutes: 0.5, holdMinutes: 1 }, 2, 101, 3, 102, 'horizon', 102 / 101 - 1],
    [
      'costs: slippage moves both fills against a long, commission on both notionals',
      sig('1', 'A', 1, 'BUY'),
      { commissionBps: 10, slippageBps: 20 },
      1, 100.2, 3, 102, 'horizon',
      ((10_000 / 100.2) * (101.796 - 100.2) - 0.001 * (10_000 + (10_000 / 100.2) * 101.796)) / 10_000,
    ],
    [
      'costs of a short: sells lower, buys back higher',
      sig('1', 'A', 1, 'SELL'),
      { commissionBps: 10, slippageBps: 20 },
      1, 99.8, 3, 102, 'horizon',
      (-(10_000 / 99.8) * (102.204 - 99.8) - 0.001 * (10_000 + (10_000 / 99.8) * 102.204)) / 10_000,
    ],
    ['stop-loss of a long on a bar\'s low, at the level', sig('1', 'A', 1, 'BUY'), { holdMinutes: 60, stopLossPct: 1 }, 1, 100, 5, 99, 'stop-loss', -0.01],
    ['take-profit of a long on a bar\'s high, at the level', sig('1', 'A', 1, 'BUY'), { holdMinutes: 60, takeProfitPct: 2 }, 1, 100, 3, 102, 'take-profit', 0.02],
    ['both levels within one bar: the stop, conservatively', sig('1', 'A', 1, 'BUY'), { holdMinutes: 60, stopLossPct: 0.4, takeProfitPct: 0.8 }, 1, 100, 2, 99.6, 'stop-loss', -0.004],
    ['a gap through the stop exits at the open', sig('1', 'G', 0, 'BUY'), { holdMinutes: 60, stopLossPct: 2 }, 0, 100, 2, 95, 'stop-loss', -0.05],
    ['stop-loss of a short on a bar\'s high', sig('1', 'A', 1, 'SELL'), { holdMinutes: 60, stopLossPct: 1.5 }, 1, 100, 3, 101.5, 'stop-loss', -0.015],
    ['take-profit of a short on a bar\'s low', sig('1', 'A', 3, 'SELL'), { holdMinutes: 60, takeProfitPct: 2 }, 3, 102, 5, 99.96, 'take-profit', 1 - 99.96 / 102],
    ['no bar ends late enough: closes at the last bar', sig('1', 'A', 4, 'BUY'), { holdMinutes: 60 }, 4, 101.5, 6, 100, 'end-of-data', 100 / 101.5 - 1],
  ];
  it.each(cases)('%s', (_n, s, rules, entryMinute, entryPrice, exitMinute, level, reason, netReturn) => {
    const { trades } = simulateTrades([s], bars, { ...base, ...rules });
    expect(trades).toHaveLength(1);
    const t = trades[0]!;
    expect([t.entryTs, t.exitTs, t.exitReason]).toEqual([at(entryMinute), at(exitMinute), reason]);
    expect(t.entryPrice).toBeCloseTo(entryPrice, 10);
    expect(t.exitLevel).toBeCloseTo(level, 10);
    expect(t.netReturn).toBeCloseTo(netReturn, 10);
    expect(t.netPnl).toBeCloseTo(netReturn * 10_000, 6);
    expect(t.costs).toBeCloseTo(t.grossReturn * 10_000 - t.netPnl, 10);
  });

  // [case, signal, fill delay]
  const unfilled: Array<[string, Signal, number]> = [
    ['no bar at or after the signal', sig('1', 'A', 6, 'BUY'), 0],
    ['no bar at or after signal + delay', sig('1', 'A', 4, 'BUY'), 5],
    ['a ticker without bars', sig('1', 'Z', 1, 'BUY'), 0],
  ];
  it.each(unfilled)('unfilled: %s', (_n, s, fillDelayMinutes) => {
    const r = simulateTrades([s], bars, { ...base, fillDelayMinutes });
    expect([r.trades.length, r.unfilled.length, r.skippedOverlap.length]).toEqual([0, 1, 0]);
  });
});

describe('trade simulation: overlapping signals', () => {
  // A@1 holds until minute 3; A@2 comes while it is open; A@3 comes as it closes; G@0 is another ticker.
  const signals = [sig('a3', 'A', 3, 'BUY'), sig('a1', 'A', 1, 'BUY'), sig('a2', 'A', 2, 'SELL'), sig('g0', 'G', 0, 'BUY')];
  // [case, overlap, traded signal ids in order, skipped ids]
  const cases: Array<[string, boolean, string[], string[]]> = [
    ['overlap off: a signal on a ticker with an open position is skipped', false, ['g0', 'a1', 'a3'], ['a2']],
    ['overlap on: every signal trades', true, ['g0', 'a1', 'a2', 'a3'], []],
  ];
  it.each(cases)('%s', (_n, overlap, traded, skipped) => {
    const r = simulateTrades(signals, bars, { ...base, overlap });
    expect(r.trades.map((t) => t.signal.signal_id)).toEqual(traded);
    expect(r.skippedOverlap.map((s) => s.signal_id)).toEqual(skipped);
  });
});
