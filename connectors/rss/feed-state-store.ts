import type { Kafka } from 'kafkajs';
import type { AvroCodec } from '../../core/avro-codec.ts';
import { BadRecordError } from '../../core/errors.ts';
import { logger } from '../../core/log.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { recordName } from '../../schemas/catalog.ts';
import type { FeedState } from '../../schemas/records.ts';

// The RSS source's memory across restarts: the latest FeedState per feed, rebuilt from the
// compacted feeds.state topic on start and updated as the source writes new states.

/** A state as the current schema has it: one written before its later fields lacks them (their default is null). */
export function withLaterFields(state: FeedState): FeedState {
  return { ...state, moved_to: state.moved_to ?? null, earliest_poll_at: state.earliest_poll_at ?? null, newest_item_at: state.newest_item_at ?? null };
}

export class FeedStateStore {
  private readonly states = new Map<string, FeedState>();
  private readonly seen = new Map<string, Set<string>>();

  get(feedUrl: string): FeedState | undefined {
    return this.states.get(feedUrl);
  }

  hasSeen(feedUrl: string, eventUid: string): boolean {
    return this.seen.get(feedUrl)?.has(eventUid) ?? false;
  }

  put(state: FeedState): void {
    this.states.set(state.feed_url, state);
    this.seen.set(state.feed_url, new Set(state.seen_event_uids));
  }

  /** Every feed it holds a state of. */
  feedUrls(): string[] {
    return [...this.states.keys()];
  }

  get size(): number {
    return this.states.size;
  }

  static async load(kafka: Kafka, topic: string, codec: AvroCodec): Promise<FeedStateStore> {
    const store = new FeedStateStore();
    await readToEnd(kafka, topic, async (message) => {
      if (!message.value) return; // a tombstone: the feed was forgotten
      try {
        store.put(withLaterFields(await codec.decode<FeedState>(message.value, recordName('feedsState'))));
      } catch (err) {
        // A bad record is skipped (the sink sends it to feeds.state.dlq); a registry outage stops the start.
        if (!(err instanceof BadRecordError)) throw err;
        logger('rss').warn({ offset: message.offset, err: (err as Error).message }, 'skipping unreadable feeds.state record');
      }
    });
    return store;
  }
}

export interface StateChange {
  etag: string | null;
  lastModified: string | null;
  /** event_uids produced by this poll, newest first. */
  newUids: string[];
  newestPublished: number | null;
  /** Newest event time among the items produced by this poll. */
  newestItemAt: number | null;
  /** Where the feed lives now when it moved for good (null: at its configured URL). */
  movedTo: string | null;
  earliestPollAt: number | null;
  now: number;
  window: number;
}

/** The next state after a poll that produced `newUids`, bounded by the dedupe window. */
export function nextFeedState(prev: FeedState | undefined, feedUrl: string, change: StateChange): FeedState {
  const seen = [...change.newUids, ...(prev?.seen_event_uids ?? [])];
  const latest = (values: Array<number | null | undefined>) => {
    const known = values.filter((v): v is number => v !== null && v !== undefined);
    return known.length ? Math.max(...known) : null;
  };
  return {
    feed_url: feedUrl,
    etag: change.etag,
    last_modified: change.lastModified,
    last_seen_published: latest([prev?.last_seen_published, change.newestPublished]),
    updated_at: change.now,
    seen_event_uids: [...new Set(seen)].slice(0, change.window),
    moved_to: change.movedTo,
    earliest_poll_at: change.earliestPollAt,
    newest_item_at: latest([prev?.newest_item_at, change.newestItemAt]),
  };
}
