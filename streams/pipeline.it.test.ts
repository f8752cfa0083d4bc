import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SinkConfig } from '../connectors/postgres-sink/config.ts';
import { startPostgresSink } from '../connectors/postgres-sink/component.ts';
import { createRegistry } from '../core/registry.ts';
import { topicName } from '../schemas/catalog.ts';
import { RecordEncoder } from '../schemas/record-encoder.ts';
import type { Candle, NewsRaw } from '../schemas/records.ts';
import { freshDatabase } from '../test/database.ts';
import { testConnections, testTopics, type TestTopics } from '../test/kafka.ts';
import { ClassifyConfig } from './classify/config.ts';
import { loadSentimentModel } from './classify/model/sentiment-model.ts';
import { startProcessor } from '../core/runtime/processor-runtime.ts';
import { classifyComponent } from './classify/component.ts';
import { SignalsConfig } from './signals/config.ts';
import { signalsComponent } from './signals/component.ts';

// End to end through both processors and the sink, with the shipped ONNX model: a news item
// produced to news.raw ends as a classified row and, with candles present, a signal row.

const conn = testConnections();
let topics: TestTopics;
let db: { url: string; drop: () => Promise<void> };
const T0 = Date.UTC(2024, 0, 2, 14, 30);

beforeAll(async () => {
  topics = await testTopics('pipeline');
  db = await freshDatabase({ migrate: true });
});
afterAll(async () => {
  await db?.drop();
  await topics?.cleanup();
});

it('news.raw → classified row → signal row, with candles present', async () => {
  const encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
  const news: NewsRaw = {
    event_uid: 'e2e'.padEnd(64, '0'),
    published_at: T0 + 30_000,
    source: 'https://feed/rss',
    title: 'Apple operating profit rose sharply and net sales increased by 20 %',
    link: 'https://x/apple',
    summary: null,
    fetched_at: T0 + 60_000,
  };
  const candles: Candle[] = Array.from({ length: 10 }, (_, m) => ({ ticker: 'AAPL', ts: T0 + m * 60_000, interval: '1m', open: 185, high: 186, low: 184, close: 185 + m / 10, adjclose: null, volume: 1000, source: 'test' }));
  const producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic: topicName('newsRaw', topics.prefix), acks: -1, messages: await encoder.messages('newsRaw', [news]) });
  await producer.send({ topic: topicName('marketCandles', topics.prefix), acks: -1, messages: await encoder.messages('marketCandles', candles) });
  await producer.disconnect();

  const model = await loadSentimentModel();
  const deployment = { connections: conn, prefix: topics.prefix, candleInterval: '1m' as const };
  const classify = await startProcessor(classifyComponent, ClassifyConfig.parse({ idleExitMs: 1000 }), deployment, { once: true, options: { sentimentModel: model } });
  expect(await classify.done).toEqual({ classified: 1, dlq: 0 });
  await model.close();

  const rules = { buyThreshold: 0.5, allowedLatenessSeconds: 60 };
  const signals = await startProcessor(signalsComponent, SignalsConfig.parse({ idleExitMs: 1000, rules }), deployment, { once: true });
  expect((await signals.done).signals).toBeGreaterThan(0);

  const sink = await startPostgresSink({ connections: { ...conn, database: { url: db.url } }, config: SinkConfig.parse({ groupId: `${topics.prefix}sink`, idleExitMs: 1500 }), prefix: topics.prefix, candleInterval: '1m', once: true });
  await sink.done;

  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const c = await client.query(`SELECT c.tickers, c.sentiment_label, c.event_type, r.processed_at IS NOT NULL AS processed FROM inbound_events_classified c JOIN inbound_events_raw r ON r.id = c.raw_event_id WHERE r.event_uid = $1`, [news.event_uid]);
    expect(c.rows).toEqual([{ tickers: ['AAPL'], sentiment_label: 'positive', event_type: 'earnings', processed: true }]);
    const s = await client.query(`SELECT ticker, action, status, reason->'news'->0->>'event_uid' AS news FROM dispatch_recommendations ORDER BY ts LIMIT 1`);
    expect(s.rows).toEqual([{ ticker: 'AAPL', action: 'BUY', status: 'PENDING', news: news.event_uid }]);
  } finally {
    await client.end();
  }
});
