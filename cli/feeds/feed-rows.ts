import { isStale, newestItemAt } from '../../connectors/rss/feed-staleness.ts';
import type { FeedState } from '../../schemas/records.ts';

// One row per configured feed from its feeds.state record: what `feeds list` prints and
// `status` summarises. Times are ISO strings in UTC, as in the status report.

export interface FeedRow {
  feed: string;
  /** Whether feeds.state has a record of it: false until the feed first answered a poll. */
  known: boolean;
  /** When its state was last written (feeds.state updated_at): the last poll that changed it. */
  updatedAt: string | null;
  etag: string | null;
  lastModified: string | null;
  /** Event time of the newest item produced from it. */
  newestItemAt: string | null;
  stale: boolean;
  /** Where it moved for good (301/308): what the source polls instead. */
  movedTo: string | null;
  /** The earliest next poll its publisher allows, while it is ahead. */
  notBefore: string | null;
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export function feedRows(feeds: readonly string[], stateOf: (feed: string) => FeedState | undefined, now: number, staleAfterMs: number): FeedRow[] {
  return feeds.map((feed) => {
    const s = stateOf(feed);
    const notBefore = s?.earliest_poll_at;
    return {
      feed,
      known: s !== undefined,
      updatedAt: iso(s?.updated_at),
      etag: s?.etag ?? null,
      lastModified: s?.last_modified ?? null,
      newestItemAt: iso(newestItemAt(s)),
      stale: isStale(s, now, staleAfterMs),
      movedTo: s?.moved_to ?? null,
      notBefore: notBefore && notBefore > now ? iso(notBefore) : null,
    };
  });
}
