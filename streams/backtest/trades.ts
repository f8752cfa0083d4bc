import type { Signal } from '../../schemas/records.ts';
import { firstStartingAtOrAfter, type Bar, type BarsByTicker } from './price-bars.ts';

// The trading model: each signal is one position of a fixed notional. BUY is long, SELL is a
// short. It fills at the open of the first bar starting at or after signal time + the fill
// delay (the paper executor's fill when the delay is 0) and exits at the close of the first bar
// ending at or after fill + the holding time, or earlier on a stop-loss or take-profit. The
// levels are set from the entry bar's open (before slippage), so costs never change which bar a
// trade exits on. Bars are checked in order from the entry bar on; within a bar only its open,
// low and high are known, so: a bar opening beyond a level exits at its open (a gap fills
// there, not at the level); a bar whose range reaches both levels is taken as stopped out (the
// conservative reading). A trade without a bar to exit on closes at the last bar's close
// ("end-of-data"). Pure and deterministic.

export type ExitReason = 'horizon' | 'stop-loss' | 'take-profit' | 'end-of-data';

export interface TradeRules {
  positionSize: number;
  commissionBps: number;
  slippageBps: number;
  fillDelayMinutes: number;
  holdMinutes: number;
  stopLossPct?: number | undefined;
  takeProfitPct?: number | undefined;
  overlap: boolean;
}

/** What the model reads of a signal: its reason and status are the report's. */
export type TradedSignal = Pick<Signal, 'signal_id' | 'ts' | 'ticker' | 'action'>;

export interface Trade<S extends TradedSignal = Signal> {
  signal: S;
  /** +1 long (BUY), −1 short (SELL). */
  side: 1 | -1;
  /** The entry bar's start: when the position opens. */
  entryTs: number;
  /** The entry bar's open, before slippage. */
  entryOpen: number;
  /** The fill: the open moved against the trade by the slippage. */
  entryPrice: number;
  shares: number;
  /** The exit bar's end: when the position is closed (a stop is only known by the bar's end). */
  exitTs: number;
  /** Where the exit was before slippage: a bar's close, a stop or take-profit level, or a gap's open. */
  exitLevel: number;
  exitPrice: number;
  exitReason: ExitReason;
  /** Commission paid on entry, money: the open position's mark is net of it. */
  entryCommission: number;
  /** Return at bar prices, before costs. */
  grossReturn: number;
  /** Commission and slippage, money. */
  costs: number;
  netPnl: number;
  /** netPnl / positionSize. */
  netReturn: number;
}

export interface TradeSimulation<S extends TradedSignal = Signal> {
  trades: Trade<S>[];
  /** Signals on a ticker whose position was still open (only when overlap is off). */
  skippedOverlap: S[];
  /** Signals with no bar of their ticker starting at or after signal time + delay. */
  unfilled: S[];
}

interface Exit {
  index: number;
  level: number;
  reason: ExitReason;
}

function exitOf(bars: readonly Bar[], entry: number, side: 1 | -1, r: TradeRules): Exit {
  const open = bars[entry]!.open;
  const holdUntil = bars[entry]!.ts + r.holdMinutes * 60_000;
  const stop = r.stopLossPct === undefined ? null : open * (1 - (side * r.stopLossPct) / 100);
  const take = r.takeProfitPct === undefined ? null : open * (1 + (side * r.takeProfitPct) / 100);
  // "Beyond" a level in the position's adverse (stop) or favourable (take) direction.
  const adverse = (price: number) => stop !== null && (side === 1 ? price <= stop : price >= stop);
  const favourable = (price: number) => take !== null && (side === 1 ? price >= take : price <= take);
  for (let i = entry; i < bars.length; i++) {
    const b = bars[i]!;
    const worst = side === 1 ? b.low : b.high;
    const best = side === 1 ? b.high : b.low;
    if (adverse(b.open)) return { index: i, level: b.open, reason: 'stop-loss' };
    if (favourable(b.open)) return { index: i, level: b.open, reason: 'take-profit' };
    if (adverse(worst)) return { index: i, level: stop!, reason: 'stop-loss' };
    if (favourable(best)) return { index: i, level: take!, reason: 'take-profit' };
    if (b.end >= holdUntil) return { index: i, level: b.close, reason: 'horizon' };
  }
  return { index: bars.length - 1, level: bars.at(-1)!.close, reason: 'end-of-data' };
}

function trade<S extends TradedSignal>(signal: S, bars: readonly Bar[], entry: number, r: TradeRules): Trade<S> {
  const side = signal.action === 'BUY' ? 1 : -1;
  const slip = r.slippageBps / 10_000;
  const commission = r.commissionBps / 10_000;
  const exit = exitOf(bars, entry, side, r);
  const entryOpen = bars[entry]!.open;
  const entryPrice = entryOpen * (1 + side * slip);
  const exitPrice = exit.level * (1 - side * slip);
  const shares = r.positionSize / entryPrice;
  const entryCommission = commission * r.positionSize;
  const netPnl = side * shares * (exitPrice - entryPrice) - entryCommission - commission * shares * exitPrice;
  const grossReturn = side * (exit.level / entryOpen - 1);
  return {
    signal,
    side,
    entryTs: bars[entry]!.ts,
    entryOpen,
    entryPrice,
    shares,
    exitTs: bars[exit.index]!.end,
    exitLevel: exit.level,
    exitPrice,
    exitReason: exit.reason,
    entryCommission,
    grossReturn,
    costs: grossReturn * r.positionSize - netPnl,
    netPnl,
    netReturn: netPnl / r.positionSize,
  };
}

/** Trades `signals` (taken in (ts, signal_id) order) on `bars`. */
export function simulateTrades<S extends TradedSignal>(signals: readonly S[], bars: BarsByTicker, r: TradeRules): TradeSimulation<S> {
  const ordered = [...signals].sort((a, b) => a.ts - b.ts || (a.signal_id < b.signal_id ? -1 : a.signal_id > b.signal_id ? 1 : 0));
  const out: TradeSimulation<S> = { trades: [], skippedOverlap: [], unfilled: [] };
  /** Per ticker, when its latest position closes: a later signal before then overlaps it. */
  const openUntil = new Map<string, number>();
  for (const signal of ordered) {
    if (!r.overlap && (openUntil.get(signal.ticker) ?? -Infinity) > signal.ts) {
      out.skippedOverlap.push(signal);
      continue;
    }
    const list = bars.get(signal.ticker) ?? [];
    const entry = firstStartingAtOrAfter(list, signal.ts + r.fillDelayMinutes * 60_000);
    if (entry >= list.length) {
      out.unfilled.push(signal);
      continue;
    }
    const t = trade(signal, list, entry, r);
    out.trades.push(t);
    openUntil.set(signal.ticker, Math.max(openUntil.get(signal.ticker) ?? -Infinity, t.exitTs));
  }
  return out;
}
