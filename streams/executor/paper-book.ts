import type { Candle, Signal } from '../../schemas/records.ts';

// Paper execution, decided in event time only: a PENDING signal is filled at the open of the
// ticker's first bar starting at or after the signal (the next bar), if that bar starts within
// the time-to-live; a first bar later than that cancels it, and so do bars of other tickers a
// TTL plus the allowed lateness past it (the ticker is quiet or halted). A signal may come
// before or after its bar: candles are kept per ticker so it finds the bar that came first.
// Each ticker's bars arrive in order (one partition); across tickers, arrival may differ by up
// to the lateness without changing any decision.

export interface BookOptions {
  positionSize: number;
  ttlMs: number;
  /** How far other tickers' bars may run ahead before a quiet ticker's signal is cancelled. */
  latenessMs: number;
  /** Candles kept per ticker (newest); older ones cannot fill any open signal. */
  keepCandles?: number;
}

export class PaperBook {
  private readonly pending = new Map<string, Signal>();
  /** Pending signal ids per ticker: a candle only needs to settle its own ticker's signals. */
  private readonly pendingByTicker = new Map<string, Set<string>>();
  private readonly finalized = new Set<string>();
  /** Per ticker, bars sorted by start time (a signal's next bar is found by binary search). */
  private readonly candles = new Map<string, Candle[]>();
  private newestCandle = Number.NEGATIVE_INFINITY;

  constructor(private readonly o: BookOptions) {}

  /** A record of the signals topic; returns the updates it makes final (usually none). */
  onSignal(s: Signal): Signal[] {
    if (s.status !== 'PENDING') {
      this.finalized.add(s.signal_id);
      this.forget(s.signal_id);
      return [];
    }
    if (this.finalized.has(s.signal_id) || this.pending.has(s.signal_id)) return [];
    this.pending.set(s.signal_id, s);
    let ids = this.pendingByTicker.get(s.ticker);
    if (!ids) this.pendingByTicker.set(s.ticker, (ids = new Set()));
    ids.add(s.signal_id);
    return this.settle([s]);
  }

  onCandle(c: Candle): Signal[] {
    let bars = this.candles.get(c.ticker);
    if (!bars) this.candles.set(c.ticker, (bars = []));
    const at = this.firstAtOrAfter(bars, c.ts);
    if (bars[at]?.ts === c.ts) bars[at] = c;
    else bars.splice(at, 0, c);
    const keep = this.o.keepCandles ?? 10_000;
    if (bars.length > keep) bars.splice(0, bars.length - keep);
    // Only this ticker's bars changed; other tickers' signals can only be cancelled, and only
    // when the newest bar moved on.
    const candidates = new Set<Signal>();
    for (const id of this.pendingByTicker.get(c.ticker) ?? []) candidates.add(this.pending.get(id)!);
    if (c.ts > this.newestCandle) {
      this.newestCandle = c.ts;
      for (const s of this.pending.values()) if (this.expired(s)) candidates.add(s);
    }
    return this.settle([...candidates]);
  }

  get openSignals(): number {
    return this.pending.size;
  }

  private forget(id: string): void {
    const s = this.pending.get(id);
    if (!s) return;
    this.pending.delete(id);
    const ids = this.pendingByTicker.get(s.ticker)!;
    ids.delete(id);
    if (!ids.size) this.pendingByTicker.delete(s.ticker);
  }

  /** Index of the first bar starting at or after `ts` (bars.length when none). */
  private firstAtOrAfter(bars: Candle[], ts: number): number {
    let lo = 0;
    let hi = bars.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bars[mid]!.ts < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Other tickers are a TTL plus the allowed lateness past the signal. */
  private expired(s: Signal): boolean {
    return this.newestCandle - this.o.latenessMs > s.ts + this.o.ttlMs;
  }

  private settle(candidates: Signal[]): Signal[] {
    const out: Signal[] = [];
    for (const s of [...candidates].sort((a, b) => a.ts - b.ts || (a.signal_id < b.signal_id ? -1 : 1))) {
      const update = this.decide(s);
      if (!update) continue;
      this.forget(s.signal_id);
      this.finalized.add(s.signal_id);
      out.push(update);
    }
    return out;
  }

  private decide(s: Signal): Signal | null {
    const bars = this.candles.get(s.ticker) ?? [];
    const next = bars[this.firstAtOrAfter(bars, s.ts)];
    const deadline = s.ts + this.o.ttlMs;
    if (next && next.ts <= deadline) {
      const price = next.open;
      return { ...s, status: 'EXECUTED', executed_at: next.ts, filled_price: price, shares: Math.round((this.o.positionSize / price) * 1e6) / 1e6 };
    }
    if (next || this.expired(s)) return { ...s, status: 'CANCELLED', executed_at: null, filled_price: null, shares: null };
    return null;
  }
}
