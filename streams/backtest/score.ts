import type { Candle, Signal } from '../../schemas/records.ts';

// Scores signals against the candles that came after them: the forward return at each
// horizon (long for BUY, short for SELL) from the open of the first bar starting at or after
// the signal (where the paper executor fills) to the close of the first bar that ends at or
// after signal time + horizon. Not the signal bar's close: a daily bar ends at the next
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

export interface BacktestStats {
  signals: number;
  byAction: Record<'BUY' | 'SELL', number>;
  horizons: HorizonStats[];
  /** Compounded equity after each signal at the first horizon, in signal order. */
  equity: Array<{ ts: number; equity: number }>;
  cumulativeReturn: number;
  maxDrawdown: number;
  perTicker: Array<{ ticker: string; signals: number; averageReturn: number | null }>;
}

function barEnd(c: Candle, intervalMs: (interval: string) => number): number {
  return c.ts + intervalMs(c.interval);
}

export function scoreSignals(signals: readonly Signal[], candles: readonly Candle[], horizonsMinutes: readonly number[], intervalMs: (interval: string) => number): ScoredSignal[] {
  const byTicker = new Map<string, Candle[]>();
  for (const c of candles) byTicker.set(c.ticker, [...(byTicker.get(c.ticker) ?? []), c]);
  for (const list of byTicker.values()) list.sort((a, b) => a.ts - b.ts);
  return signals.map((signal) => {
    const bars = byTicker.get(signal.ticker) ?? [];
    const entry = bars.find((b) => b.ts >= signal.ts)?.open ?? null;
    const returns = new Map<number, number | null>();
    for (const h of horizonsMinutes) {
      const exitBar = bars.find((b) => barEnd(b, intervalMs) >= signal.ts + h * 60_000);
      const r = entry && exitBar ? (exitBar.close / entry - 1) * (signal.action === 'BUY' ? 1 : -1) : null;
      returns.set(h, r);
    }
    return { signal, entry, returns };
  });
}

export function summarize(scored: readonly ScoredSignal[], horizonsMinutes: readonly number[]): BacktestStats {
  const ordered = [...scored].sort((a, b) => a.signal.ts - b.signal.ts || (a.signal.signal_id < b.signal.signal_id ? -1 : 1));
  const horizons = horizonsMinutes.map((h) => {
    const rs = ordered.map((s) => s.returns.get(h)).filter((r): r is number => r !== null && r !== undefined);
    return {
      horizonMinutes: h,
      scored: rs.length,
      hitRate: rs.length ? rs.filter((r) => r > 0).length / rs.length : null,
      averageReturn: rs.length ? rs.reduce((a, b) => a + b, 0) / rs.length : null,
    };
  });
  const first = horizonsMinutes[0];
  let equity = 1;
  let peak = 1;
  let maxDrawdown = 0;
  const curve: Array<{ ts: number; equity: number }> = [];
  for (const s of ordered) {
    const r = first === undefined ? null : s.returns.get(first);
    if (r === null || r === undefined) continue;
    equity *= 1 + r;
    peak = Math.max(peak, equity);
    maxDrawdown = Math.max(maxDrawdown, 1 - equity / peak);
    curve.push({ ts: s.signal.ts, equity });
  }
  const tickers = [...new Set(ordered.map((s) => s.signal.ticker))].sort();
  return {
    signals: ordered.length,
    byAction: { BUY: ordered.filter((s) => s.signal.action === 'BUY').length, SELL: ordered.filter((s) => s.signal.action === 'SELL').length },
    horizons,
    equity: curve,
    cumulativeReturn: equity - 1,
    maxDrawdown,
    perTicker: tickers.map((ticker) => {
      const rs = ordered.filter((s) => s.signal.ticker === ticker).map((s) => (first === undefined ? null : s.returns.get(first))).filter((r): r is number => r !== null && r !== undefined);
      return { ticker, signals: ordered.filter((s) => s.signal.ticker === ticker).length, averageReturn: rs.length ? rs.reduce((a, b) => a + b, 0) / rs.length : null };
    }),
  };
}
