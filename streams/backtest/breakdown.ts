import type { Signal } from '../../schemas/records.ts';
import type { Trade } from './trades.ts';

// The strategy's trades grouped by a key of their signal (its ticker, the event type or urgency
// it is attributed to): how many signals and trades each group has and what its trades earned.
// Rows in key order. Pure.

export interface BreakdownRow {
  key: string;
  signals: number;
  trades: number;
  hitRate: number | null;
  /** Net P&L of the group's trades, money. */
  netPnl: number;
  /** Its share of the portfolio's return: netPnl / capital. */
  contribution: number;
  /** Mean net return per trade. */
  averageReturn: number | null;
  /** The group's net trade returns compounded: Π (1 + r) − 1. */
  compounded: number | null;
}

export function breakdown(signals: readonly Signal[], trades: readonly Trade[], keyOf: (s: Signal) => string, capital: number): BreakdownRow[] {
  const groups = new Map<string, { signals: number; trades: Trade[] }>();
  const group = (key: string) => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { signals: 0, trades: [] }));
    return g;
  };
  for (const s of signals) group(keyOf(s)).signals++;
  for (const t of trades) group(keyOf(t.signal)).trades.push(t);
  return [...groups.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => {
      const g = groups.get(key)!;
      const n = g.trades.length;
      const netPnl = g.trades.reduce((a, t) => a + t.netPnl, 0);
      return {
        key,
        signals: g.signals,
        trades: n,
        hitRate: n ? g.trades.filter((t) => t.netPnl > 0).length / n : null,
        netPnl,
        contribution: netPnl / capital,
        averageReturn: n ? g.trades.reduce((a, t) => a + t.netReturn, 0) / n : null,
        compounded: n ? g.trades.reduce((a, t) => a * (1 + t.netReturn), 1) - 1 : null,
      };
    });
}
