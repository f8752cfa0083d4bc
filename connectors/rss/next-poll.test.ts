import { describe, expect, it } from 'vitest';
import { delayAfterAnswer, delayAfterFailure, publisherWaitMs, type PollTiming } from './next-poll.ts';

const MIN = 60_000;
const timing: PollTiming = { pollIntervalMs: MIN, maxIntervalMs: 24 * 60 * MIN, maxRetryAfterMs: 6 * 60 * MIN };

describe('delay after an answered poll', () => {
  const cases: Array<[string, Array<number | null>, number, number | null]> = [
    ['no hints: the poll interval', [null, null], MIN, null],
    ['a hint shorter than the interval changes nothing', [30_000, null], MIN, null],
    ['a hint as long as the interval changes nothing', [MIN, null], MIN, null],
    ['max-age of an hour', [60 * MIN, null], 60 * MIN, 60 * MIN],
    ['the longer of cache and TTL', [10 * MIN, 30 * MIN], 30 * MIN, 30 * MIN],
    ['a silly value is capped at maxInterval', [365 * 24 * 60 * MIN, null], 24 * 60 * MIN, 24 * 60 * MIN],
  ];
  it.each(cases)('%s', (_n, hints, delay, wait) => {
    expect(delayAfterAnswer(timing, hints)).toBe(delay);
    expect(publisherWaitMs(timing, hints)).toBe(wait);
  });

  it('never polls less often than configured when the cap is below the interval', () => {
    expect(delayAfterAnswer({ ...timing, maxIntervalMs: 1000 }, [60 * MIN])).toBe(MIN);
  });
});

describe('delay after a failure', () => {
  const cases: Array<[string, number, number | undefined, number]> = [
    ['no Retry-After: the backoff', 2 * MIN, undefined, 2 * MIN],
    ['Retry-After longer than the backoff', MIN, 60 * MIN, 60 * MIN],
    ['Retry-After shorter than the backoff', 10 * MIN, 30_000, 10 * MIN],
    ['Retry-After capped at maxRetryAfter', MIN, 48 * 60 * MIN, 6 * 60 * MIN],
    ['Retry-After 0', MIN, 0, MIN],
  ];
  it.each(cases)('%s', (_n, backoff, retryAfter, expected) => expect(delayAfterFailure(timing, backoff, retryAfter)).toBe(expected));
});
