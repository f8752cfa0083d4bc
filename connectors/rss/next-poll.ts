// When a feed is polled next. What a publisher says (a cache lifetime, the feed's TTL, a
// Retry-After) only ever makes us wait longer than our own schedule, and each is capped: a
// silly value must not stop a feed.

export interface PollTiming {
  /** Our own interval between polls, ms. */
  pollIntervalMs: number;
  /** Cap of the lower bounds a cache lifetime or a feed TTL sets, ms. */
  maxIntervalMs: number;
  /** Cap of a Retry-After, ms. */
  maxRetryAfterMs: number;
}

/** The publisher's earliest next poll after an answered poll, ms after it: its longest freshness hint, capped (0: none). */
export function freshnessWaitMs(t: PollTiming, hints: ReadonlyArray<number | null>): number {
  const longest = Math.max(0, ...hints.filter((h): h is number => h !== null));
  return Math.min(longest, t.maxIntervalMs);
}

/** The delay to the next poll after an answered poll (200 or 304). */
export function delayAfterAnswer(t: PollTiming, hints: ReadonlyArray<number | null>): number {
  return Math.max(t.pollIntervalMs, freshnessWaitMs(t, hints));
}

/** The publisher's Retry-After, capped; null when it gave none. */
export function retryWaitMs(t: PollTiming, retryAfterMs: number | undefined): number | null {
  return retryAfterMs === undefined ? null : Math.min(retryAfterMs, t.maxRetryAfterMs);
}

/** The delay to the next poll after a failure: the backoff, or the Retry-After when it is longer. */
export function delayAfterFailure(t: PollTiming, backoffMs: number, retryAfterMs: number | undefined): number {
  return Math.max(backoffMs, retryWaitMs(t, retryAfterMs) ?? 0);
}
