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

/**
 * How long after an answered poll the publisher asks us to wait, when that is longer than our own
 * interval: its longest freshness hint, capped. Null when it asks for no more than we wait anyway.
 */
export function publisherWaitMs(t: PollTiming, hints: ReadonlyArray<number | null>): number | null {
  const longest = Math.min(Math.max(0, ...hints.filter((h): h is number => h !== null)), t.maxIntervalMs);
  return longest > t.pollIntervalMs ? longest : null;
}

/** The delay to the next poll after an answered poll (200 or 304). */
export function delayAfterAnswer(t: PollTiming, hints: ReadonlyArray<number | null>): number {
  return publisherWaitMs(t, hints) ?? t.pollIntervalMs;
}

/** The publisher's Retry-After, capped; null when it gave none. */
export function retryWaitMs(t: PollTiming, retryAfterMs: number | undefined): number | null {
  return retryAfterMs === undefined ? null : Math.min(retryAfterMs, t.maxRetryAfterMs);
}

/** The delay to the next poll after a failure: the backoff, or the Retry-After when it is longer. */
export function delayAfterFailure(t: PollTiming, backoffMs: number, retryAfterMs: number | undefined): number {
  return Math.max(backoffMs, retryWaitMs(t, retryAfterMs) ?? 0);
}
