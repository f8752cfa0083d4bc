import { describe, expect, it } from 'vitest';
import type { Signal } from '../../schemas/records.ts';
import { breakdown } from './breakdown.ts';
import type { Trade } from './trades.ts';

const sig = (id: string, ticker: string): Signal => ({
  signal_id: id, ts: 0, ticker, action: 'BUY', confidence: 0.6, reason: '{}', status: 'PENDING', executed_at: null, filled_price: null, shares: null,
});

describe('breakdown', () => {
  const s = sig;
  const t = (signal: Signal, netReturn: number) => ({ signal, netReturn, netPnl: netReturn * 1000 }) as Trade;
  const signals = [s('1', 'B'), s('2', 'A'), s('3', 'A'), s('4', 'A'), s('5', 'C')];
  const trades = [t(signals[0]!, 0.1), t(signals[1]!, 0.05), t(signals[2]!, -0.02)];
  // [key, signals, trades, hit rate, net P&L, contribution, average return, compounded]
  const expected: Array<[string, number, number, number | null, number, number, number | null, number | null]> = [
    ['A', 3, 2, 0.5, 30, 30 / 100_000, 0.015, 1.05 * 0.98 - 1],
    ['B', 1, 1, 1, 100, 100 / 100_000, 0.1, 0.1],
    ['C', 1, 0, null, 0, 0, null, null],
  ];
  it.each(expected)('%s', (key, nSignals, nTrades, hitRate, netPnl, contribution, averageReturn, compounded) => {
    const row = breakdown(signals, trades, (x) => x.ticker, 100_000).find((r) => r.key === key)!;
    expect([row.signals, row.trades, row.hitRate]).toEqual([nSignals, nTrades, hitRate]);
    expect(row.netPnl).toBeCloseTo(netPnl, 10);
    expect(row.contribution).toBeCloseTo(contribution, 12);
    for (const [a, e] of [[row.averageReturn, averageReturn], [row.compounded, compounded]] as const) {
      if (e === null) expect(a).toBeNull();
      else expect(a).toBeCloseTo(e, 12);
    }
  });
  it('rows in key order', () => expect(breakdown(signals, trades, (x) => x.ticker, 1).map((r) => r.key)).toEqual(['A', 'B', 'C']));
});
