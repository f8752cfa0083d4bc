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
  private readonly finalized = new Set<string>();
  private readonly candles = new Map<string, Map<number, Candle>>();
  private newestCandle = Number.NEGATIVE_INFINITY;

  constructor(private readonly o: BookOptions) {}

  /** A record of the signals topic; returns the updates it makes final (usually none). */
  onSignal(s: Signal): Signal[] {
    if (s.status !== 'PENDING') {
      this.finalized.add(s.signal_id);
      this.pending.delete(s.signal_id);
      return [];
    }
    if (this.finalized.has(s.signal_id) || this.pending.has(s.signal_id)) return [];
    this.pending.set(s.signal_id, s);
    return this.settle([s]);
  }

  onCandle(c: Candle): Signal[] {
    let bars = this.candles.get(c.ticker);
    if (!bars) this.candles.set(c.ticker, (bars = new Map()));
    bars.set(c.ts, c);
    const keep = this.o.keepCandles ?? 10_000;
    if (bars.size > keep) {
      const oldest = [...bars.keys()].sort((a, b) => a - b).slice(0, bars.size - keep);
      for (const ts of oldest) bars.delete(ts);
    }
    if (c.ts > this.newestCandle) this.newestCandle = c.ts;
    return this.settle([...this.pending.values()]);
  }

  get openSignals(): number {
    return this.pending.size;
  }

  private settle(candidates: Signal[]): Signal[] {
    const out: Signal[] = [];
    for (const s of [...candidates].sort((a, b) => a.ts - b.ts || (a.signal_id < b.signal_id ? -1 : 1))) {
      const update = this.decide(s);
      if (!update) continue;
      this.pending.delete(s.signal_id);
      this.finalized.add(s.signal_id);
      out.push(update);
    }
    return out;
  }

  private decide(s: Signal): Signal | null {
    const bars = this.candles.get(s.ticker);
    let next: Candle | undefined;
    for (const c of bars?.values() ?? []) if (c.ts >= s.ts && (!next || c.ts < next.ts)) next = c;
    const deadline = s.ts + this.o.ttlMs;
    if (next && next.ts <= deadline) {
      const price = next.open;
      return { ...s, status: 'EXECUTED', executed_at: next.ts, filled_price: price, shares: Math.round((this.o.positionSize / price) * 1e6) / 1e6 };
    }
    if (next || this.newestCandle - this.o.latenessMs > deadline) return { ...s, status: 'CANCELLED', executed_at: null, filled_price: null, shares: null };
    return null;
  }
}
