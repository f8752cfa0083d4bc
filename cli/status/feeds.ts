import type { Kafka } from 'kafkajs';
import type { RssConfig } from '../../connectors/rss/config.ts';
import { AvroCodec } from '../../core/avro-codec.ts';
import type { ConnectionsConfig } from '../../core/config.ts';
import { OpsPipelineError } from '../../core/errors.ts';
import { checkRegistry, createRegistry, withRegistry } from '../../core/registry.ts';
import { listFeeds, type FeedList } from '../feeds/list.ts';

// The feeds part of `ops-pipeline status`. Status does not see the RSS source process, so a
// feed's staleness comes from feeds.state (the event time of its newest item), read as
// `feeds list` reads it. Without the registry (or the topic) the rest of the report still shows.

export type StatusFeeds = FeedList | { unavailable: string };

export async function statusFeeds(kafka: Kafka, conn: ConnectionsConfig, prefix: string, config: RssConfig, now = Date.now()): Promise<StatusFeeds> {
  try {
    await checkRegistry(conn.registry);
    const list = await withRegistry(conn.registry, () => listFeeds(kafka, new AvroCodec(createRegistry(conn.registry)), prefix, config, now));
    return list ?? { unavailable: 'the feeds.state topic does not exist' };
  } catch (err) {
    if (err instanceof OpsPipelineError) return { unavailable: err.message };
    throw err;
  }
}

export function renderStatusFeeds(f: StatusFeeds): string[] {
  if ('unavailable' in f) return [`feeds: unavailable (${f.unavailable})`];
  const stale = f.feeds.filter((r) => r.stale);
  const lines = [`feeds: ${f.feeds.length} configured, ${stale.length} stale (no new item for ${f.staleAfterHours} h), ${f.feeds.filter((r) => !r.known).length} not polled yet`];
  for (const r of stale) lines.push(`  stale    ${r.feed} (newest item ${r.newestItemAt})`);
  for (const r of f.feeds.filter((r) => r.movedTo)) lines.push(`  moved    ${r.feed} -> ${r.movedTo}`);
  for (const r of f.feeds.filter((r) => r.notBefore)) lines.push(`  waiting  ${r.feed} (its publisher asked to wait until ${r.notBefore})`);
  return lines;
}
