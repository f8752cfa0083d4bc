import type { FeedState } from '../../schemas/records.ts';

// A feed that still answers but has had no new item for long is as broken for the signals as
// one that fails: its publisher may have moved it, frozen it or started serving a stub.

/** When the feed's newest item happened: its event time, or for states written before that was kept, its newest publish date. */
export function newestItemAt(state: FeedState | undefined): number | null {
  return state?.newest_item_at ?? state?.last_seen_published ?? null;
}

/** Stale: its newest item is older than `staleAfterMs`. A feed without any item yet is not judged. */
export function isStale(state: FeedState | undefined, now: number, staleAfterMs: number): boolean {
  const newest = newestItemAt(state);
  return newest !== null && now - newest > staleAfterMs;
}
