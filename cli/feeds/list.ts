import type { Kafka } from 'kafkajs';
import type { RssConfig } from '../../connectors/rss/config.ts';
import { FeedStateStore } from '../../connectors/rss/feed-state-store.ts';
import type { AvroCodec } from '../../core/avro-codec.ts';
import { topicName } from '../../schemas/catalog.ts';
import { feedRows, type FeedRow } from './feed-rows.ts';

// `feeds list`: the configured feeds with their state, read from the compacted feeds.state
// topic as the RSS source reads it on start, so it needs no running source.

export interface FeedList {
  staleAfterHours: number;
  feeds: FeedRow[];
  /** Feeds feeds.state knows that the config no longer lists (their state stays until a tombstone). */
  unconfigured: string[];
}

/** Null when the topic does not exist (topics not applied under this prefix). */
export async function listFeeds(kafka: Kafka, codec: AvroCodec, prefix: string, config: RssConfig, now = Date.now()): Promise<FeedList | null> {
  const topic = topicName('feedsState', prefix);
  const admin = kafka.admin();
  await admin.connect();
  const exists = await admin
    .listTopics()
    .then((topics) => topics.includes(topic))
    .finally(() => admin.disconnect());
  if (!exists) return null;
  const store = await FeedStateStore.load(kafka, topic, codec);
  const configured = new Set(config.feeds);
  return {
    staleAfterHours: config.staleAfterHours,
    feeds: feedRows(config.feeds, (f) => store.get(f), now, config.staleAfterHours * 3_600_000),
    unconfigured: store.feedUrls().filter((f) => !configured.has(f)),
  };
}
