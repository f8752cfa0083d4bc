import type { Candle, Signal } from '../../schemas/records.ts';

// Paper execution, decided in event time only: a PENDING signal is filled at the open of the
// ticker's first bar starting at or after the signal (the next bar), if that bar starts within
// the time-to-live; a first bar later than that cancels it, and so do bars of other tickers a
// TTL plus the allowed lateness past it (the ticker is quiet or halted). A signal may come
// before or after its bar: the recent bars are kept per ticker so it finds the bar that came
// first. A signal arriving when the newest bar is already a TTL plus the lateness past it is
// late and cancelled at once. Each ticker's bars arrive in order (one partition); across
// tickers, arrival may differ by up to the lateness without changing any decision.
//
// The book is one task's: its state is per ticker (open signals, recent bars, the signals
// decided recently) plus the newest bar's time, kept in the task's changelog.

export interface BookOptions {
  positionSize: number;
  ttlMs: number;
  /** How far other tickers' bars may run ahead before a quiet ticker's signal is cancelled. */
  latenessMs: number;
  /** Candles kept per ticker at most (newest), whatever the window. */
  keepCandles?: number;
}

interface TickerBook {
  /** Open signals by id. */
  pending: Map<string, Signal>;
  /** Bars sorted by start time (a signal's next bar is found by binary search). */
  bars: Candle[];
  /** Signals decided (by this book or seen final), with their time: a repeat of one changes nothing. */
  decided: Map<string, number>;
}

interface TickerSnapshot {
  pending: Signal[];
  bars: Candle[];
  decided: Array<[string, number]>;
}

const TICKER_KEY = 'ticker:';
const NEWEST_KEY = 'newest';

export class PaperBook {
  private readonly tickers = new Map<string, TickerBook>();
  private newestCandle = Number.NEGATIVE_INFINITY;
  private readonly dirty = new Set<string>();
  private newestMoved = false;

  constructor(private readonly o: BookOptions) {}

  /** How far back bars and decisions matter: a signal older than this against the newest bar is late. */
  private get windowMs(): number {
    return this.o.ttlMs + this.o.latenessMs;
  }

  private book(ticker: string): TickerBook {
    let b = this.tickers.get(ticker);
    if (!b) this.tickers.set(ticker, (b = { pending: new Map(), bars: [], decided: new Map() }));
    return b;
  }

  /** A record of the signals topic; returns the updates it makes final (usually none). */
  onSignal(s: Signal): Signal[] {
    const b = this.book(s.ticker);
    if (s.status !== 'PENDING') {
      b.decided.set(s.signal_id, s.ts);
      b.pending.delete(s.signal_id);
      this.dirty.add(s.ticker);
      return [];
    }
    if (b.decided.has(s.signal_id) || b.pending.has(s.signal_id)) return [];
    b.pending.set(s.signal_id, s);
    this.dirty.add(s.ticker);
    return this.settle([s]);
  }

  onCandle(c: Candle): Signal[] {
    const b = this.book(c.ticker);
    const at = firstAtOrAfter(b.bars, c.ts);
    if (b.bars[at]?.ts === c.ts) b.bars[at] = c;
    else b.bars.splice(at, 0, c);
    this.dirty.add(c.ticker);
    // Only this ticker's bars changed; other tickers' signals can only be cancelled, and only
    // when the newest bar moved on.
    const candidates = new Set<Signal>(b.pending.values());
    if (c.ts > this.newestCandle) {
      this.newestCandle = c.ts;
      this.newestMoved = true;
      for (const other of this.tickers.values()) for (const s of other.pending.values()) if (this.expired(s)) candidates.add(s);
    }
    const out = this.settle([...candidates]);
    this.trim(b);
    return out;
  }

  get openSignals(): number {
    let n = 0;
    for (const b of this.tickers.values()) n += b.pending.size;
    return n;
  }

  /** Forgets what no signal can need any more: bars and decisions older than the window. */
  private trim(b: TickerBook): void {
    const horizon = this.newestCandle - this.windowMs;
    let drop = 0;
    while (drop < b.bars.length && b.bars[drop]!.ts < horizon) drop++;
    const cap = this.o.keepCandles ?? 10_000;
    drop = Math.max(drop, b.bars.length - cap);
    if (drop > 0) b.bars.splice(0, drop);
    for (const [id, ts] of b.decided) if (ts < horizon) b.decided.delete(id);
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
      const b = this.book(s.ticker);
      b.pending.delete(s.signal_id);
      b.decided.set(s.signal_id, s.ts);
      this.dirty.add(s.ticker);
      out.push(update);
    }
    return out;
  }

  private decide(s: Signal): Signal | null {
    const cancelled: Signal = { ...s, status: 'CANCELLED', executed_at: null, filled_price: null, shares: null };
    // Late (or quiet past the lateness): its bars may be gone, and a fill now would be in the past.
    if (this.expired(s)) return cancelled;
    const bars = this.book(s.ticker).bars;
    const next = bars[firstAtOrAfter(bars, s.ts)];
    if (!next) return null;
    if (next.ts > s.ts + this.o.ttlMs) return cancelled;
    const price = next.open;
    return { ...s, status: 'EXECUTED', executed_at: next.ts, filled_price: price, shares: Math.round((this.o.positionSize / price) * 1e6) / 1e6 };
  }

  // ---- the book's state as a task's changelog keeps it ----

  takeDirty(): string[] {
    const keys = [...this.dirty].map((t) => `${TICKER_KEY}${t}`);
    if (this.newestMoved) keys.push(NEWEST_KEY);
    this.dirty.clear();
    this.newestMoved = false;
    return keys;
  }

  snapshot(key: string): unknown {
    if (key === NEWEST_KEY) return Number.isFinite(this.newestCandle) ? this.newestCandle : null;
    const b = this.tickers.get(key.slice(TICKER_KEY.length));
    if (!b || (!b.pending.size && !b.bars.length && !b.decided.size)) return null;
    return { pending: [...b.pending.values()], bars: b.bars, decided: [...b.decided] } satisfies TickerSnapshot;
  }

  restore(entries: ReadonlyMap<string, unknown>): void {
    for (const [key, value] of entries) {
      if (key === NEWEST_KEY) this.newestCandle = value as number;
      else if (key.startsWith(TICKER_KEY)) {
        const v = value as TickerSnapshot;
        this.tickers.set(key.slice(TICKER_KEY.length), { pending: new Map(v.pending.map((s) => [s.signal_id, s])), bars: v.bars, decided: new Map(v.decided) });
      }
    }
  }
}

/** Index of the first bar starting at or after `ts` (bars.length when none). */
function firstAtOrAfter(bars: Candle[], ts: number): number {
  let lo = 0;
  let hi = bars.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bars[mid]!.ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
