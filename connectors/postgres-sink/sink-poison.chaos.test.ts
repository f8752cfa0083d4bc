import type { Message, Producer } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../core/registry.ts';
import { topicName, type TopicId } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Candle, NewsClassified, NewsRaw, Signal, TopicRecords } from '../../schemas/records.ts';
import { SAMPLES } from '../../schemas/samples.ts';
import { expectDlq, expectLogged, produceInterleaved, readDlq, runCli, undecodable, untradeableBars, type Poison, type RunningCli } from '../../test/bad-records.ts';
import { freshDatabase } from '../../test/database.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';

// Poison among good records on every topic the sink reads, through the real CLI (`run sink`)
// against the real broker, registry and database: each bad record lands in `<topic>.dlq`
// with its reason and origin, is counted and logged, and every good record lands.
// Undecodable records on news.raw and market.candles; on the other topics, values that pass
// Avro but the table refuses: by the sink's own checks, or by PostgreSQL itself (a time out
// of its range, isolated by bisecting the batch under savepoints).

const conn = testConnections();
const GOOD = 20;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const uid = (i: number) => i.toString(16).padStart(64, '0');

const raw = (i: number): NewsRaw => ({ ...SAMPLES.newsRaw, event_uid: uid(i), title: `Headline ${i}`, published_at: T0 + i * 60_000 });
const classified = (i: number): NewsClassified => ({ ...SAMPLES.newsClassified, event_uid: uid(i), title: `Headline ${i}`, event_time: T0 + i * 60_000 });
const candle = (i: number): Candle => ({ ...SAMPLES.marketCandles, ticker: ['AAPL', 'MSFT', 'NVDA', 'TSLA'][i % 4]!, ts: T0 + i * 60_000 });
const signal = (i: number): Signal => ({ ...SAMPLES.signals, signal_id: uid(1000 + i), ticker: ['AAPL', 'MSFT'][i % 2]! });

let topics: TestTopics;
let db: { url: string; drop: () => Promise<void> };
let client: pg.Client;
let producer: Producer;
let encoder: RecordEncoder;
let sink: RunningCli;
const poison = new Map<TopicId, Poison[]>();

async function messages<K extends TopicId>(id: K, records: Array<TopicRecords[K]>): Promise<Message[]> {
  return encoder.messages(id, records);
}
const count = async (table: string) => (await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
const TABLES: Array<[TopicId, string]> = [
  ['newsRaw', 'inbound_events_raw'],
  ['newsClassified', 'inbound_events_classified'],
  ['marketCandles', 'lane_telemetry'],
  ['signals', 'dispatch_recommendations'],
];

beforeAll(async () => {
  topics = await testTopics('sink-poison');
  db = await freshDatabase({ migrate: true });
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
  const range = Array.from({ length: GOOD }, (_, i) => i);

  poison.set('newsRaw', [
    ...(await undecodable(encoder, 'newsRaw', 'marketCandles', uid(9000))),
    // Near the broker's 1 MiB record limit: with the DLQ headers it must still fit its DLQ.
    { name: 'garbage at the size limit', message: { key: uid(9002), value: Buffer.alloc(1_048_200, 0x7a) }, reason: /magic byte/ },
    // Together over 1 MiB: the DLQ records cannot go in one request.
    ...Array.from({ length: 6 }, (_, i) => ({ name: `large garbage ${i}`, message: { key: uid(9100 + i), value: Buffer.alloc(300_000, 0x41 + i) }, reason: /magic byte/ })),
    { name: 'NUL in a text column', message: (await messages('newsRaw', [{ ...raw(9001), title: 'nul \u0000 title' }]))[0]!, reason: /inbound_events_raw\.title contains a NUL character/ },
  ]);
  poison.set('marketCandles', [
    ...(await undecodable(encoder, 'marketCandles', 'signals', 'AAPL')),
    { name: 'NaN price', message: (await messages('marketCandles', [{ ...candle(9000), close: NaN }]))[0]!, reason: /lane_telemetry\.close = NaN is not a finite number/ },
    // Valid for Avro and JavaScript, but 5001 BC is before PostgreSQL's first timestamp.
    { name: 'time PostgreSQL cannot store', message: (await messages('marketCandles', [{ ...candle(9001), ts: -2.2e14 }]))[0]!, reason: /lane_telemetry: .*out of range/ },
    ...(await untradeableBars(encoder, candle(9002))),
  ]);
  poison.set('newsClassified', [
    { name: 'CHECK sentiment_label', message: (await messages('newsClassified', [{ ...classified(9000), sentiment_label: 'bullish' }]))[0]!, reason: /sentiment_label = "bullish" is not one of positive, negative, neutral/ },
  ]);
  poison.set('signals', [
    { name: 'CHECK action', message: (await messages('signals', [{ ...signal(9000), action: 'HOLD' as never }]))[0]!, reason: /action = "HOLD" is not one of BUY, SELL/ },
    { name: 'CHECK status', message: (await messages('signals', [{ ...signal(9001), status: 'DONE' as never }]))[0]!, reason: /status = "DONE" is not one of PENDING, EXECUTED, CANCELLED/ },
    { name: 'invalid JSON in a jsonb column', message: (await messages('signals', [{ ...signal(9002), reason: '{"rule": ' }]))[0]!, reason: /reason is not valid JSON/ },
  ]);

  const good: { [K in TopicId]?: Message[] } = {
    newsRaw: await messages('newsRaw', range.map(raw)),
    newsClassified: await messages('newsClassified', range.map(classified)),
    marketCandles: await messages('marketCandles', range.map(candle)),
    signals: await messages('signals', range.map(signal)),
  };
  for (const [id] of TABLES) await produceInterleaved(producer, topicName(id, topics.prefix), good[id]!, poison.get(id)!.map((p) => p.message));

  sink = await runCli(['--topic-prefix', topics.prefix, '--candle-interval', '1m', 'run', 'sink'], { sink: { groupId: `${topics.prefix}sink`, maxWaitTimeMs: 100 } }, { DATABASE_URL: db.url });
  const expectedDlq = [...poison.values()].flat().length;
  await sink.waitFor('the sink reported every poison record', async () => (await sink.metric('ops_pipeline_dlq_records_total', { stage: 'sink' })) >= expectedDlq);
  await sink.waitFor('every good record landed', async () => {
    for (const [, table] of TABLES) if ((await count(table)) < GOOD) return false;
    return true;
  });
});

afterAll(async () => {
  await sink?.stop();
  await producer?.disconnect();
  await client?.end();
  await db?.drop();
  await topics?.cleanup();
});

describe('sink: bad records among good ones', () => {
  it.each(TABLES)('%s: every good record lands, one row per key', async (_id, table) => {
    expect(await count(table)).toBe(GOOD);
  });

  it.each(TABLES)('%s: each bad record is in the DLQ unchanged, with its reason and origin', async (id) => {
    const topic = topicName(id, topics.prefix);
    expectDlq(await readDlq(topics.kafka, `${topic}.dlq`), poison.get(id)!, { topic, stage: 'sink', errorClass: /^(BadRecordError|ConstraintViolation)$/ });
  });

  it('counts each DLQ record per topic and logs its reason, and keeps running', async () => {
    for (const [id] of TABLES) {
      const topic = topicName(id, topics.prefix);
      expect({ topic, counted: await sink.metric('ops_pipeline_dlq_records_total', { topic, stage: 'sink' }) }).toEqual({ topic, counted: poison.get(id)!.length });
    }
    expectLogged(sink, (await Promise.all([...poison.keys()].map((id) => readDlq(topics.kafka, `${topicName(id, topics.prefix)}.dlq`)))).flat());
    expect(sink.process.exitCode).toBeNull();
    expect(await sink.stop()).toBe(0);
  });
});
