import { describe, expect, it } from 'vitest';
import type { Candle, Signal } from '../../schemas/records.ts';
import { PaperBook } from './paper-book.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const bar = (ticker: string, minute: number, open: number): Candle => ({ ticker, ts: T0 + minute * MIN, interval: '1m', open, high: open, low: open, close: open, adjclose: null, volume: 1, source: 't' });
const signal = (id: string, ticker: string, minute: number): Signal => ({ signal_id: id, ts: T0 + minute * MIN, ticker, action: 'BUY', confidence: 0.7, reason: '{}', status: 'PENDING', executed_at: null, filled_price: null, shares: null });

type Step = Signal | Candle;
function run(steps: Step[]) {
  const book = new PaperBook({ positionSize: 1000, ttlMs: 10 * MIN, latenessMs: 5 * MIN });
  return steps.flatMap((s) => ('signal_id' in s ? book.onSignal(s) : book.onCandle(s))).map((u) => [u.signal_id, u.status, u.executed_at, u.filled_price, u.shares]);
}

describe('PaperBook', () => {
  const cases: Array<[string, Step[], unknown[]]> = [
    ['fills at the next bar\'s open', [signal('s', 'A', 5), bar('A', 5, 100)], [['s', 'EXECUTED', T0 + 5 * MIN, 100, 10]]],
    ['the next bar may have come first', [bar('A', 4, 99), bar('A', 5, 100), signal('s', 'A', 5)], [['s', 'EXECUTED', T0 + 5 * MIN, 100, 10]]],
    ['a bar before the signal does not fill it', [signal('s', 'A', 5), bar('A', 4, 99)], []],
    ['the first bar after the TTL cancels it', [signal('s', 'A', 5), bar('A', 16, 100)], [['s', 'CANCELLED', null, null, null]]],
    ['other tickers a TTL and the lateness past it cancel a quiet ticker', [signal('s', 'A', 5), bar('B', 10, 1), bar('B', 21, 1)], [['s', 'CANCELLED', null, null, null]]],
    ['other tickers within the lateness do not', [signal('s', 'A', 5), bar('B', 19, 1), bar('A', 5, 100)], [['s', 'EXECUTED', T0 + 5 * MIN, 100, 10]]],
    ['a finalized signal is not filled again', [{ ...signal('s', 'A', 5), status: 'EXECUTED' } as Signal, signal('s', 'A', 5), bar('A', 5, 100)], []],
    ['a repeated PENDING record fills once', [signal('s', 'A', 5), signal('s', 'A', 5), bar('A', 5, 100), bar('A', 6, 101)], [['s', 'EXECUTED', T0 + 5 * MIN, 100, 10]]],
    ['a signal arriving a TTL and the lateness behind the newest bar is cancelled at once', [bar('A', 5, 100), bar('B', 21, 1), signal('s', 'A', 5)], [['s', 'CANCELLED', null, null, null]]],
    ['a revised bar before the signal fills at the revision', [bar('A', 5, 100), bar('A', 5, 102), signal('s', 'A', 5)], [['s', 'EXECUTED', T0 + 5 * MIN, 102, 1000 / 102]].map((r) => [...r.slice(0, 4), Math.round((r[4] as number) * 1e6) / 1e6])],
  ];
  it.each(cases)('%s', (_n, steps, expected) => expect(run(steps)).toEqual(expected));

  it('keeps only the bars a signal can still need', () => {
    const book = new PaperBook({ positionSize: 1000, ttlMs: 10 * MIN, latenessMs: 5 * MIN });
    for (let m = 0; m < 200; m++) book.onCandle(bar('A', m, 100));
    const state = book.snapshot('ticker:A') as { bars: Candle[] };
    // Newest 199, window 15 minutes: bars from minute 184 on.
    expect(state.bars.map((b) => (b.ts - T0) / MIN)).toEqual(Array.from({ length: 16 }, (_, i) => 184 + i));
  });

  it('restored from its changelog state mid-stream, decides as one book does over the whole stream', () => {
    let x = 7;
    const r = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const steps: Step[] = [];
    for (let m = 0; m < 400; m++) {
      for (const t of ['A', 'B', 'C']) if (r() < 0.8) steps.push(bar(t, m, 100 + Math.round(r() * 100)));
      if (r() < 0.3) steps.push(signal(`s${m}`, ['A', 'B', 'C'][Math.floor(r() * 3)]!, m - Math.floor(r() * 4)));
    }
    const whole = run(steps);
    const o = { positionSize: 1000, ttlMs: 10 * MIN, latenessMs: 5 * MIN };
    const apply = (book: PaperBook, s: Step) => ('signal_id' in s ? book.onSignal(s) : book.onCandle(s));
    const first = new PaperBook(o);
    const changelog = new Map<string, unknown>();
    const updates: Signal[] = [];
    for (const [i, s] of steps.entries()) {
      updates.push(...apply(first, s));
      // Written at each "commit", as the runtime does: the changed keys, JSON round trip.
      if (i % 17 === 0) for (const k of first.takeDirty()) changelog.set(k, JSON.parse(JSON.stringify(first.snapshot(k))));
      if (i === 600) break;
    }
    for (const k of first.takeDirty()) changelog.set(k, JSON.parse(JSON.stringify(first.snapshot(k))));
    const second = new PaperBook(o);
    second.restore(new Map([...changelog].filter(([, v]) => v !== null)));
    for (const s of steps.slice(601)) updates.push(...apply(second, s));
    expect(updates.map((u) => [u.signal_id, u.status, u.executed_at, u.filled_price, u.shares])).toEqual(whole);
    expect(whole.length).toBeGreaterThan(50);
  });
});
