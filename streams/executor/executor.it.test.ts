import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SinkConfig } from '../../connectors/postgres-sink/config.ts';
import { startPostgresSink } from '../../connectors/postgres-sink/component.ts';
import { AvroCodec } from '../../core/avro-codec.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Candle, Signal } from '../../schemas/records.ts';
import { freshDatabase } from '../../test/database.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { startProcessor } from '../../core/runtime/processor-runtime.ts';
import { executorComponent } from './component.ts';
import { ExecutorConfig } from './config.ts';

// The paper executor against the real services: a signal with a next bar is EXECUTED at its
// open, one without a bar within the TTL is CANCELLED, the sink turns the updates into rows,
// and a second run decides nothing twice.

const conn = testConnections();
const codec = new AvroCodec(createRegistry(conn.registry));
const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
let topics: TestTopics;
let db: { url: string; drop: () => Promise<void> };

const signal = (id: string, ticker: string): Signal => ({ signal_id: id.padEnd(64, '0'), ts: T0 + 5 * MIN, ticker, action: 'BUY', confidence: 0.7, reason: '{}', status: 'PENDING', executed_at: null, filled_price: null, shares: null });
const bar = (ticker: string, minute: number, open: number): Candle => ({ ticker, ts: T0 + minute * MIN, interval: '1m', open, high: open, low: open, close: open, adjclose: null, volume: 1, source: 't' });

async function run() {
  const config = ExecutorConfig.parse({ positionSize: 1000, ttlMinutes: 10, allowedLatenessMinutes: 5, idleExitMs: 1000 });
  const e = await startProcessor(executorComponent, config, { connections: conn, prefix: topics.prefix, candleInterval: '1m' }, { once: true });
  return e.done;
}

beforeAll(async () => {
  topics = await testTopics('executor');
  db = await freshDatabase({ migrate: true });
  const encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
  const producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic: topicName('marketCandles', topics.prefix), acks: -1, messages: await encoder.messages('marketCandles', [bar('AAPL', 4, 99), bar('AAPL', 5, 100), bar('AAPL', 6, 101), bar('MSFT', 30, 300)]) });
  await producer.send({ topic: topicName('signals', topics.prefix), acks: -1, messages: await encoder.messages('signals', [signal('aapl', 'AAPL'), signal('msft', 'MSFT')]) });
  await producer.disconnect();
});
afterAll(async () => {
  await db?.drop();
  await topics?.cleanup();
});

it('fills or cancels each PENDING signal once, and the sink lands the outcome', async () => {
  expect(await run()).toEqual({ executed: 1, cancelled: 1, dlq: 0 });
  expect(await run()).toEqual({ executed: 0, cancelled: 0, dlq: 0 });

  const all: Signal[] = [];
  await readToEnd(topics.kafka, topicName('signals', topics.prefix), async (m) => void all.push(await codec.decode<Signal>(m.value)));
  expect(all.filter((s) => s.status !== 'PENDING').map((s) => [s.ticker, s.status]).sort()).toEqual([['AAPL', 'EXECUTED'], ['MSFT', 'CANCELLED']]);

  const sink = await startPostgresSink({ connections: { ...conn, database: { url: db.url } }, config: SinkConfig.parse({ groupId: `${topics.prefix}sink`, idleExitMs: 1500 }), prefix: topics.prefix, candleInterval: '1m', once: true });
  await sink.done;
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT ticker, status, executed_at, filled_price, shares FROM dispatch_recommendations ORDER BY ticker`);
    expect(rows).toEqual([
      { ticker: 'AAPL', status: 'EXECUTED', executed_at: new Date(T0 + 5 * MIN), filled_price: 100, shares: 10 },
      { ticker: 'MSFT', status: 'CANCELLED', executed_at: null, filled_price: null, shares: null },
    ]);
  } finally {
    await client.end();
  }
});
