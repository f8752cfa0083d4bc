import { candleProblem } from '../../schemas/record-checks.ts';
import type { Candle } from '../../schemas/records.ts';

// Yahoo's answer, screened before anything is produced: a bar no market could have traded (a
// price of zero, high below low, a close outside the range, negative volume, a time before
// 1970) or two bars at the same time in one answer (which is right cannot be told) goes to the
// candles DLQ with its reason. A bar starting after the source's clock (the broker would refuse
// its timestamp an hour ahead, and with it the whole batch) is held back, logged and counted:
// it is asked for again once it has begun. Every other bar of the ticker is produced.

export interface RefusedBar {
  candle: Candle;
  reason: string;
  /** A bar from the future is asked for again later (not a DLQ record); the others are final. */
  future: boolean;
}

export interface Screened {
  good: Candle[];
  refused: RefusedBar[];
}

export function screenBars(candles: readonly Candle[], o: { interval: string; now: number; maxFutureMs: number }): Screened {
  const atSameTime = new Map<number, number>();
  for (const c of candles) atSameTime.set(c.ts, (atSameTime.get(c.ts) ?? 0) + 1);
  const good: Candle[] = [];
  const refused: RefusedBar[] = [];
  for (const c of candles) {
    if (c.ts > o.now + o.maxFutureMs) {
      refused.push({ candle: c, reason: `bar starts at ${new Date(c.ts).toISOString()}, more than ${o.maxFutureMs / 1000} s after the source's clock (${new Date(o.now).toISOString()}; candles.maxFutureSeconds)`, future: true });
      continue;
    }
    const copies = atSameTime.get(c.ts)!;
    const problem = c.ts < 0 ? `bar starts before 1970 (${c.ts})` : copies > 1 ? `${copies} bars at ${new Date(c.ts).toISOString()} in one answer` : candleProblem(c, o.interval);
    if (problem) refused.push({ candle: c, reason: problem, future: false });
    else good.push(c);
  }
  return { good, refused };
}
