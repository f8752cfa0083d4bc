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
  ];
  it.each(cases)('%s', (_n, steps, expected) => expect(run(steps)).toEqual(expected));
});
