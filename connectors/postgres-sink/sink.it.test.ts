import type { Producer } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_HEADERS } from '../../core/dlq.ts';
import { createRegistry } from '../../core/registry.ts';
import { topicName, type TopicId } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Candle, NewsClassified, NewsRaw, Signal, TopicRecords } from '../../schemas/records.ts';
import { freshDatabase } from '../../test/database.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { connectClient } from '../../core/db.ts';
import { plannedTopics } from '../../schemas/apply.ts';
import { SinkConfig } from './config.ts';
import { resetSinkTopics } from './reset.ts';
import { TopicRecreatedError } from './topic-recreated-error.ts';
import { startPostgresSink } from './component.ts';
import type { SinkSummary } from './sink.ts';

// The sink against the real broker, registry and database: every topic lands in its table,
// duplicates and replays give one row, both arrival orders of raw and classified end the
// same, poison goes to the DLQ with its reason while the batch lands, and offsets are
// committed only after the database commit.

const conn = testConnections();
let topics: TestTopics;
let db: { url: string; drop: () => Promise<void> };
let client: pg.Client;
let producer: Producer;
let encoder: RecordEncoder;
let groupSeq = 0;

const T0 = Date.UTC(2024, 0, 2, 14, 30);
const uid = (s: string) => s.padEnd(64, '0');

function raw(id: string, extra: Partial<NewsRaw> = {}): NewsRaw {
  return { event_uid: uid(id), published_at: T0, source: 'https://feed.example/rss', title: `Title ${id}`, link: `https://x.example/${id}`, summary: `Summary of ${id}`, fetched_at: T0 + 60_000, ...extra };
}
function classified(id: string, extra: Partial<NewsClassified> = {}): NewsClassified {
  return {
    event_uid: uid(id),
    event_time: T0,
    published_at: T0,
    fetched_at: T0 + 60_000,
    title: `Title ${id}`,
    source: 'https://feed.example/rss',
    link: `https://x.example/${id}`,
    tickers: ['AAPL', 'MSFT'],
    sentiment_label: 'positive',
    sentiment_score: 0.9,
    event_type: 'earnings',
    urgency: 'routine',
    model_version: 'test@1',
    classified_at: T0 + 120_000,
    story_key: null,
    ...extra,
  };
}
function candle(ticker: string, minute: number, close: number): Candle {
  return { ticker, ts: T0 + minute * 60_000, interval: '1m', open: close - 1, high: close + 1, low: close - 2, close, adjclose: null, volume: 1000 + minute, source: 'yahoo' };
}
function signal(id: string, extra: Partial<Signal> = {}): Signal {
  return {
    signal_id: id.padEnd(64, 'f'),
    ts: T0,
    ticker: 'AAPL',
    action: 'BUY',
    confidence: 0.7,
    reason: JSON.stringify({ rule: 'test', event_uids: [uid('a')] }),
    status: 'PENDING',
    executed_at: null,
    filled_price: null,
    shares: null,
    ...extra,
  };
}

async function produce<K extends TopicId>(id: K, records: Array<TopicRecords[K]>): Promise<void> {
  await producer.send({ topic: topicName(id, topics.prefix), acks: -1, messages: await encoder.messages(id, records) });
}

/** `group`: the sink's consumer group as Kafka names it (the topic prefix and the configured id). */
async function sinkOnce(group = `${topics.prefix}sink`): Promise<SinkSummary> {
  const groupId = group.slice(topics.prefix.length);
  const handle = await startPostgresSink({
    connections: { ...conn, database: { url: db.url } },
    config: SinkConfig.parse({ groupId, idleExitMs: 2500, maxWaitTimeMs: 100 }),
    prefix: topics.prefix,
    candleInterval: '1m',
    once: true,
  });
  return handle.done;
}

async function count(table: string): Promise<number> {
  return (await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
}

beforeAll(async () => {
  topics = await testTopics('sink');
  db = await freshDatabase({ migrate: true });
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
});

afterAll(async () => {
  await producer?.disconnect();
  await client?.end();
  await db?.drop();
  await topics?.cleanup();
});

describe('postgres sink', () => {
  it('lands every topic in its table, one row per natural key', async () => {
    await produce('newsRaw', [raw('a'), raw('a', { title: 'Title a (corrected)' })]);
    await produce('feedsState', [
      { feed_url: 'https://feed.example/rss', etag: '"e1"', last_modified: null, last_seen_published: T0, updated_at: T0, seen_event_uids: [uid('a')], moved_to: null, earliest_poll_at: null, newest_item_at: T0 },
    ]);
    await produce('marketCandles', [candle('AAPL', 0, 185), candle('AAPL', 1, 186), candle('AAPL', 1, 186.5), candle('MSFT', 0, 370)]);
    await produce('signals', [signal('s1'), signal('s1', { status: 'EXECUTED', executed_at: T0 + 300_000, filled_price: 186.1, shares: 10 })]);
    const summary = await sinkOnce();
    expect(summary.dlq).toBe(0);

    expect((await client.query('SELECT title, summary, processed_at FROM inbound_events_raw WHERE event_uid = $1', [uid('a')])).rows).toEqual([
      { title: 'Title a (corrected)', summary: 'Summary of a', processed_at: null },
    ]);
    expect((await client.query('SELECT feed_url, etag FROM feed_state')).rows).toEqual([{ feed_url: 'https://feed.example/rss', etag: '"e1"' }]);
    expect((await client.query(`SELECT ticker, extract(epoch from ts)*1000 AS ts, close, volume FROM lane_telemetry ORDER BY ticker, ts`)).rows).toEqual([
      { ticker: 'AAPL', ts: String(T0), close: 185, volume: '1000' },
      { ticker: 'AAPL', ts: String(T0 + 60_000), close: 186.5, volume: '1001' },
      { ticker: 'MSFT', ts: String(T0), close: 370, volume: '1000' },
    ].map((r) => ({ ...r, ts: expect.stringMatching(new RegExp(`^${r.ts}(\\.0+)?$`)) })));
    expect((await client.query('SELECT ticker, action, status, filled_price, shares, reason FROM dispatch_recommendations')).rows).toEqual([
      { ticker: 'AAPL', action: 'BUY', status: 'EXECUTED', filled_price: 186.1, shares: 10, reason: { rule: 'test', event_uids: [uid('a')] } },
    ]);
  });

  it('a batch mixing keys the table holds with new ones lands the new rows and revises the held ones', async () => {
    // The copy betting on new keys meets a held key, rolls back and upserts the batch.
    await produce('marketCandles', [candle('AAPL', 0, 190), candle('AAPL', 7, 191), candle('AMZN', 0, 150)]);
    await produce('signals', [signal('s1', { status: 'PENDING' }), signal('s2', { action: 'SELL' })]);
    expect((await sinkOnce()).dlq).toBe(0);
    expect((await client.query(`SELECT ticker, close FROM lane_telemetry WHERE ticker IN ('AAPL', 'AMZN') ORDER BY ticker, ts`)).rows).toEqual([
      { ticker: 'AAPL', close: 190 },
      { ticker: 'AAPL', close: 186.5 },
      { ticker: 'AAPL', close: 191 },
      { ticker: 'AMZN', close: 150 },
    ]);
    // A held signal keeps its execution (the upsert's rule); the new one lands as it came.
    expect((await client.query('SELECT left(signal_id, 2) AS id, action, status FROM dispatch_recommendations ORDER BY signal_id')).rows).toEqual([
      { id: 's1', action: 'BUY', status: 'EXECUTED' },
      { id: 's2', action: 'SELL', status: 'PENDING' },
    ]);
  });

  it('commits past a fetch of nothing but an aborted transaction and its marker, so no lag remains', async () => {
    const groupId = `${topics.prefix}sink-markers`;
    const signalsTopic = topicName('signals', topics.prefix);
    const tx = topics.kafka.producer({ transactionalId: `${topics.prefix}markers`, idempotent: true, maxInFlightRequests: 1 });
    await tx.connect();
    const admin = topics.kafka.admin();
    await admin.connect();
    try {
      const committedTx = await tx.transaction();
      await committedTx.send({ topic: signalsTopic, acks: -1, messages: await encoder.messages('signals', [signal('m1')]) });
      await committedTx.commit();
      await sinkOnce(groupId);
      // Read on its own, this fetch holds no record a read_committed consumer may see.
      const aborted = await tx.transaction();
      await aborted.send({ topic: signalsTopic, acks: -1, messages: await encoder.messages('signals', [signal('m1', { status: 'CANCELLED' })]) });
      await aborted.abort();
      await sinkOnce(groupId);
      const ends = await admin.fetchTopicOffsets(signalsTopic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [signalsTopic] });
      for (const end of ends.filter((e) => e.high !== e.low)) {
        expect(committed!.partitions.find((p) => p.partition === end.partition)!.offset, `partition ${end.partition}`).toBe(end.high);
      }
      expect((await client.query(`SELECT status FROM dispatch_recommendations WHERE signal_id = $1`, ['m1'.padEnd(64, 'f')])).rows).toEqual([{ status: 'PENDING' }]);
    } finally {
      await tx.disconnect();
      await admin.disconnect();
    }
  });

  it('lands classified-before-raw and raw-before-classified in the same rows', async () => {
    // b: classified first, raw later. c: raw first, classified later.
    await produce('newsClassified', [classified('b')]);
    await produce('newsRaw', [raw('c')]);
    await sinkOnce();
    await produce('newsRaw', [raw('b')]);
    await produce('newsClassified', [classified('c')]);
    await sinkOnce();

    const { rows } = await client.query(`
      SELECT r.event_uid, r.title, r.summary, r.processed_at IS NOT NULL AS processed, c.tickers, c.sentiment_label
      FROM inbound_events_raw r JOIN inbound_events_classified c ON c.raw_event_id = r.id
      WHERE r.event_uid = ANY($1) ORDER BY r.event_uid`, [[uid('b'), uid('c')]]);
    expect(rows).toEqual([
      { event_uid: uid('b'), title: 'Title b', summary: 'Summary of b', processed: true, tickers: ['AAPL', 'MSFT'], sentiment_label: 'positive' },
      { event_uid: uid('c'), title: 'Title c', summary: 'Summary of c', processed: true, tickers: ['AAPL', 'MSFT'], sentiment_label: 'positive' },
    ]);
  });

  it('sends undecodable and constraint-violating records to the DLQ with the reason, and lands the rest', async () => {
    const topic = topicName('signals', topics.prefix);
    const wrongSchemaId = Buffer.from([0, 0x7f, 0xff, 0xff, 0x00, 0x02]); // schema id 0x7fffff00
    await producer.send({
      topic,
      acks: -1,
      messages: [
        await encoder.message('signals', signal('good1')),
        { key: 'AAPL', value: Buffer.from('not avro at all') },
        { key: 'AAPL', value: wrongSchemaId },
        await encoder.message('signals', signal('hold', { action: 'HOLD' as never })),
        await encoder.message('signals', signal('good2', { ticker: 'MSFT' })),
      ],
    });
    const summary = await sinkOnce();
    expect(summary.dlq).toBe(3);
    const ids = (await client.query(`SELECT signal_id FROM dispatch_recommendations WHERE signal_id LIKE 'good%' ORDER BY 1`)).rows.map((r) => r.signal_id);
    expect(ids).toEqual([signal('good1').signal_id, signal('good2').signal_id]);

    const dlq: Array<Record<string, string>> = [];
    const consumer = topics.kafka.consumer({ groupId: `${topics.prefix}dlq-reader` });
    await consumer.connect();
    await consumer.subscribe({ topic: `${topic}.dlq`, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          dlq.push(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])));
          if (dlq.length === 3) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(dlq.map((h) => [h[DLQ_HEADERS.errorClass], h[DLQ_HEADERS.topic], h[DLQ_HEADERS.stage]])).toEqual([
      ['BadRecordError', topic, 'sink'],
      ['BadRecordError', topic, 'sink'],
      ['BadRecordError', topic, 'sink'],
    ]);
    expect(dlq.map((h) => h[DLQ_HEADERS.errorMessage])).toEqual([
      expect.stringMatching(/magic byte/),
      expect.stringMatching(/schema id 2147483392 is not in the registry/),
      expect.stringMatching(/action = "HOLD" is not one of BUY, SELL/),
    ]);
    expect(dlq.every((h) => /^\d+$/.test(h[DLQ_HEADERS.offset]!))).toBe(true);
  });

  it('a full replay by a new consumer group changes no row count', async () => {
    const before = await Promise.all(['inbound_events_raw', 'inbound_events_classified', 'feed_state', 'lane_telemetry', 'dispatch_recommendations'].map(count));
    await sinkOnce(`${topics.prefix}replay-${++groupSeq}`);
    const after = await Promise.all(['inbound_events_raw', 'inbound_events_classified', 'feed_state', 'lane_telemetry', 'dispatch_recommendations'].map(count));
    expect(after).toEqual(before);
  });

  it('commits no offset when the database transaction fails, and the records land on the next run', async () => {
    const group = `${topics.prefix}failing`;
    await produce('marketCandles', [candle('NVDA', 0, 500), candle('NVDA', 1, 501)]);
    await client.query('ALTER TABLE lane_telemetry RENAME TO lane_telemetry_away');
    try {
      await expect(sinkOnce(group)).rejects.toThrow(/lane_telemetry" does not exist/);
    } finally {
      await client.query('ALTER TABLE lane_telemetry_away RENAME TO lane_telemetry');
    }
    const admin = topics.admin;
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topicName('marketCandles', topics.prefix)] });
    expect(offsets!.partitions.every((p) => p.offset === '-1')).toBe(true);
    expect((await client.query(`SELECT count(*)::int AS n FROM lane_telemetry WHERE ticker = 'NVDA'`)).rows[0].n).toBe(0);

    await sinkOnce(group);
    expect((await client.query(`SELECT count(*)::int AS n FROM lane_telemetry WHERE ticker = 'NVDA'`)).rows[0].n).toBe(2);
  });

  it('a topic deleted and created again stops the sink with the way out; `sink reset` writes it from its start', async () => {
    const group = `${topics.prefix}recreated`;
    const candlesTopic = topicName('marketCandles', topics.prefix);
    await produce('marketCandles', [candle('AMD', 0, 100), candle('AMD', 0, 101), candle('AMD', 0, 102)]);
    await sinkOnce(group);
    const closeOf = async () => (await client.query(`SELECT close FROM lane_telemetry WHERE ticker = 'AMD'`)).rows[0]?.close;
    expect(await closeOf()).toBe(102);

    await topics.admin.deleteTopics({ topics: [candlesTopic] });
    const plan = plannedTopics(topics.prefix).find((p) => p.topic === candlesTopic)!;
    await topics.admin.createTopics({ waitForLeaders: true, topics: [{ topic: candlesTopic, numPartitions: plan.partitions, configEntries: Object.entries(plan.configs).map(([name, value]) => ({ name, value })) }] });
    await produce('marketCandles', [candle('AMD', 0, 90)]);
    await expect(sinkOnce(group)).rejects.toThrow(TopicRecreatedError);
    expect(await closeOf()).toBe(102);

    const reset = await connectClient(db.url);
    try {
      expect((await resetSinkTopics(topics.admin, reset, group, [candlesTopic]))[0]!.positions).toBeGreaterThan(0);
    } finally {
      await reset.end();
    }
    await sinkOnce(group);
    expect(await closeOf()).toBe(90);
  });
});
