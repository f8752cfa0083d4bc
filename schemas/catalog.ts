import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../core/repo-root.ts';
import { z } from 'zod';
import { INTERVALS } from './intervals.ts';

// The topic contracts in one place: name, key, cleanup, partitions, schema and table of
// every topic. Everything that creates, produces to or reads a topic goes through here.

export const AVRO_DIR = join(REPO_ROOT, 'schemas', 'avro');

export type TopicId = 'newsRaw' | 'feedsState' | 'newsClassified' | 'marketCandles' | 'signals';

export interface TopicSpec {
  id: TopicId;
  /** Base name; the configured prefix goes in front. */
  base: string;
  /** Which field of the value is the message key. */
  keyField: string;
  cleanup: 'delete' | 'compact';
  partitions: number;
  /**
   * What more partitions do to this topic's keys, and so whether `topics apply --add-partitions`
   * may add them: only where no reader keeps state per key across records.
   */
  growth: { safe: boolean; why: string };
  /** Retention in ms for delete topics; -1 keeps forever, because tables and backtests are rebuilt by replay. */
  retentionMs: number;
  /** The value schema, a file in schemas/avro; its subject is `<topic>-value`. */
  schemaFile: string;
  /** The table the sink fills. */
  table: string;
}

const DAY = 24 * 3600 * 1000;

export const TOPICS: Readonly<Record<TopicId, TopicSpec>> = {
  newsRaw: {
    id: 'newsRaw',
    base: 'news.raw',
    keyField: 'event_uid',
    cleanup: 'delete',
    partitions: 3,
    growth: { safe: true, why: 'each event_uid is written once and classify keeps no state per key: new items spread over more partitions, classify scales further' },
    retentionMs: -1,
    schemaFile: 'news.raw.avsc',
    table: 'inbound_events_raw',
  },
  feedsState: {
    id: 'feedsState',
    base: 'feeds.state',
    keyField: 'feed_url',
    cleanup: 'compact',
    partitions: 1,
    growth: { safe: false, why: 'compacted per feed_url: a feed\'s next state would land in another partition beside its old one, and the RSS source could read the stale one' },
    retentionMs: -1,
    schemaFile: 'feeds.state.avsc',
    table: 'feed_state',
  },
  newsClassified: {
    id: 'newsClassified',
    base: 'news.classified',
    keyField: 'event_uid',
    cleanup: 'delete',
    partitions: 3,
    growth: { safe: true, why: 'each event_uid is written once and signals repartitions the news by ticker anyway: new items spread over more partitions' },
    retentionMs: -1,
    schemaFile: 'news.classified.avsc',
    table: 'inbound_events_classified',
  },
  marketCandles: {
    id: 'marketCandles',
    base: 'market.candles',
    keyField: 'ticker',
    cleanup: 'delete',
    partitions: 6,
    growth: { safe: false, why: 'keyed by ticker and co-partitioned with signals: a ticker\'s next bars would go to another task than the one holding its state (signals, the executor); replay into topics created with the new count (a new --topic-prefix)' },
    retentionMs: -1,
    schemaFile: 'market.candles.avsc',
    table: 'lane_telemetry',
  },
  signals: {
    id: 'signals',
    base: 'signals',
    keyField: 'ticker',
    cleanup: 'delete',
    // As many as market.candles, keyed alike: the executor joins the two per ticker, partition
    // by partition (co-partitioned), and the signals stage writes each ticker's signals to the
    // partition its bars are in.
    partitions: 6,
    growth: { safe: false, why: 'keyed by ticker and co-partitioned with market.candles: the executor\'s per-ticker state would stay behind in the old task; replay into topics created with the new count (a new --topic-prefix)' },
    retentionMs: -1,
    schemaFile: 'signals.avsc',
    table: 'dispatch_recommendations',
  },
};

/** DLQ topics keep poison records for a month: long enough to inspect and replay them. */
export const DLQ_RETENTION_MS = 30 * DAY;

/** DLQ record size limit: twice Kafka's default, so a record that fit its topic fits with its DLQ headers. */
export const DLQ_MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

export const TopicsConfig = z
  .object({
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, . _ - only')
      .default('')
      .describe('Prepended to every topic name (e.g. `staging.`), consumer group and transactional id, so runs and tests can isolate themselves. Flag --topic-prefix.'),
    // lane_telemetry's key is (ticker, ts): bars of two intervals would overwrite each other.
    candleInterval: z
      .enum(INTERVALS)
      .default('5m')
      .describe(
        'The one bar interval market.candles carries in this deployment: the candles source asks Yahoo for it; the sink, signals and the executor send bars of any other to the DLQ. Flag --candle-interval.',
      ),
    partitions: z
      .object(
        Object.fromEntries((Object.keys(TOPICS) as TopicId[]).map((id) => [id, z.number().int().min(1).max(1000).optional().describe(`Partitions of ${TOPICS[id].base} (catalog: ${TOPICS[id].partitions}).`)])) as Record<
          TopicId,
          z.ZodOptional<z.ZodNumber>
        >,
      )
      .strict()
      .default({})
      .describe(
        'Partitions per topic (by id: newsRaw, newsClassified, marketCandles, signals, feedsState) where this deployment wants other than the catalog\'s: the most instances a component can use. Read when topics are created; `topics apply --add-partitions` grows news.raw and news.classified later, the others are fixed at creation (their keys carry state).',
      ),
  })
  .strict()
  .superRefine((t, ctx) => {
    // The executor joins the two partition by partition.
    const candles = t.partitions.marketCandles ?? TOPICS.marketCandles.partitions;
    const signals = t.partitions.signals ?? TOPICS.signals.partitions;
    if (candles !== signals) ctx.addIssue({ code: 'custom', path: ['partitions'], message: `marketCandles (${candles}) and signals (${signals}) are co-partitioned: they need one partition count` });
  })
  .describe('The topic names and what market.candles carries, shared by every component.');
export type TopicsConfig = z.infer<typeof TopicsConfig>;

export function topicName(id: TopicId, prefix = ''): string {
  return `${prefix}${TOPICS[id].base}`;
}

export function dlqTopicName(id: TopicId, prefix = ''): string {
  return `${topicName(id, prefix)}.dlq`;
}

/** Subject of the value schema (TopicNameStrategy). */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

export function schemaPath(id: TopicId): string {
  return join(AVRO_DIR, TOPICS[id].schemaFile);
}

const schemaCache = new Map<TopicId, AvroRecordSchema>();

export interface AvroField {
  name: string;
  type: unknown;
  doc?: string;
  default?: unknown;
}

export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace: string;
  doc?: string;
  fields: AvroField[];
}

export function valueSchema(id: TopicId): AvroRecordSchema {
  let schema = schemaCache.get(id);
  if (!schema) {
    schema = JSON.parse(readFileSync(schemaPath(id), 'utf8')) as AvroRecordSchema;
    schemaCache.set(id, schema);
  }
  return schema;
}

/** The Avro full name of the topic's value record: what a reader of the topic expects to decode. */
export function recordName(id: TopicId): string {
  const schema = valueSchema(id);
  return `${schema.namespace}.${schema.name}`;
}

export const TOPIC_IDS = Object.keys(TOPICS) as TopicId[];
