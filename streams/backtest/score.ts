import type { Signal } from '../../schemas/records.ts';
import { firstEndingAtOrAfter, firstStartingAtOrAfter, type BarsByTicker } from './price-bars.ts';

// How good the signals are, before any trading model (that is trades.ts): the forward return at
// each horizon (long for BUY, short for SELL) from the open of the first bar starting at or
// after the signal (where the paper executor fills) to the close of the first bar that ends at
// or after signal time + horizon. Not the signal bar's close: a daily bar ends at the next
// session's open, and its close was before the overnight news the signal acted on, so
// entering there would earn the gap the news caused. Pure and deterministic.

export interface ScoredSignal {
  signal: Signal;
  entry: number | null;
  /** Forward return per horizon (minutes → fraction), null when no later bar exists. */
  returns: Map<number, number | null>;
}

export interface HorizonStats {
  horizonMinutes: number;
  scored: number;
  hitRate: number | null;
  averageReturn: number | null;
}

export interface SignalStats {
  signals: number;
  byAction: Record<'BUY' | 'SELL', number>;
  horizons: HorizonStats[];
}

export function scoreSignals(signals: readonly Signal[], bars: BarsByTicker, horizonsMinutes: readonly number[]): ScoredSignal[] {
  return signals.map((signal) => {
    const list = bars.get(signal.ticker) ?? [];
    const entry = list[firstStartingAtOrAfter(list, signal.ts)]?.open ?? null;
    const returns = new Map<number, number | null>();
    for (const h of horizonsMinutes) {
      const exitBar = list[firstEndingAtOrAfter(list, signal.ts + h * 60_000)];
      returns.set(h, entry && exitBar ? (exitBar.close / entry - 1) * (signal.action === 'BUY' ? 1 : -1) : null);
    }
    return { signal, entry, returns };
  });
}

export function summarize(scored: readonly ScoredSignal[], horizonsMinutes: readonly number[]): SignalStats {
  const horizons = horizonsMinutes.map((h) => {
    const rs = scored.map((s) => s.returns.get(h)).filter((r): r is number => r !== null && r !== undefined);
    return {
      horizonMinutes: h,
      scored: rs.length,
      hitRate: rs.length ? rs.filter((r) => r > 0).length / rs.length : null,
      averageReturn: rs.length ? rs.reduce((a, b) => a + b, 0) / rs.length : null,
    };
  });
  return {
    signals: scored.length,
    byAction: { BUY: scored.filter((s) => s.signal.action === 'BUY').length, SELL: scored.filter((s) => s.signal.action === 'SELL').length },
    horizons,
  };
}
