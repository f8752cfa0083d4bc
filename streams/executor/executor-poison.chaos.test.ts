import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/avro-codec.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { topicName, type TopicId } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Candle, Signal } from '../../schemas/records.ts';
import { SAMPLES } from '../../schemas/samples.ts';
import { expectDlq, expectLogged, produceInterleaved, readDlq, runCli, undecodable, untradeableBars, type Poison, type RunningCli } from '../../test/bad-records.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';

// Poison among good signals and candles for the paper executor, through the real CLI (`run
// executor`), in both of its paths: records already there when it starts (read to rebuild
// its book) and records arriving while it runs (consumed). Each bad record lands in
// `<topic>.dlq` once with its reason and origin, is counted and logged; every good signal
// is filled.

const conn = testConnections();
const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const TICKERS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'JPM'];
const signal = (ticker: string): Signal => ({ ...SAMPLES.signals, signal_id: `${ticker.toLowerCase()}`.padEnd(64, '0'), ticker, ts: T0 + 5 * MIN });
const bar = (ticker: string, minute: number): Candle => ({ ...SAMPLES.marketCandles, ticker, ts: T0 + minute * MIN, open: 100, high: 101, low: 99, close: 100 });

let topics: TestTopics;
let producer: Producer;
let encoder: RecordEncoder;
let executor: RunningCli;
const poison = new Map<TopicId, Poison[]>();

async function phase(tickers: string[]): Promise<void> {
  await produceInterleaved(producer, topicName('signals', topics.prefix), await encoder.messages('signals', tickers.map(signal)), poison.get('signals')!.map((p) => p.message));
  await produceInterleaved(producer, topicName('marketCandles', topics.prefix), await encoder.messages('marketCandles', tickers.flatMap((t) => [bar(t, 4), bar(t, 5), bar(t, 6)])), poison.get('marketCandles')!.map((p) => p.message));
}
const executed = () => executor.metric('ops_pipeline_executor_updates_total', { status: 'EXECUTED' });

beforeAll(async () => {
  topics = await testTopics('executor-poison');
  producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
  poison.set('signals', [
    ...(await undecodable(encoder, 'signals', 'marketCandles', 'AAPL')),
    { name: 'unknown action', message: await encoder.message('signals', { ...signal('HOLD'), action: 'HOLD' as never }), reason: /action = "HOLD" is not one of BUY, SELL/ },
    { name: 'unknown status', message: await encoder.message('signals', { ...signal('DONE'), status: 'DONE' as never }), reason: /status = "DONE" is not one of PENDING, EXECUTED, CANCELLED/ },
    { name: 'NaN confidence', message: await encoder.message('signals', { ...signal('NAN'), confidence: NaN }), reason: /confidence = NaN is not a finite number/ },
  ]);
  poison.set('marketCandles', [
    ...(await undecodable(encoder, 'marketCandles', 'signals', 'AAPL')),
    { name: 'NaN open', message: await encoder.message('marketCandles', { ...bar('AAPL', 5), open: NaN }), reason: /open = NaN is not a finite number/ },
    // At the minute the signals fill: taken, a zero open would buy infinitely many shares.
    ...(await untradeableBars(encoder, bar('AAPL', 5))),
  ]);

  // 1. Already there at start: read while the book is rebuilt.
  await phase(TICKERS.slice(0, 4));
  executor = await runCli(['--topic-prefix', topics.prefix, '--candle-interval', '1m', 'run', 'executor'], { executor: { ttlMinutes: 10, allowedLatenessMinutes: 5 } });
  await executor.waitFor('the signals there at start were filled', async () => (await executed()) >= 4);
  // 2. Arriving while it runs: consumed.
  await phase(TICKERS.slice(4));
  const total = 2 * [...poison.values()].flat().length;
  await executor.waitFor('the executor reported every poison record', async () => (await executor.metric('ops_pipeline_dlq_records_total', { stage: 'executor' })) >= total);
  await executor.waitFor('every good signal was filled', async () => (await executed()) >= TICKERS.length);
});

afterAll(async () => {
  await executor?.stop();
  await producer?.disconnect();
  await topics?.cleanup();
});

describe('executor: bad records among good ones, on start and while running', () => {
  it('fills every good signal once, at the good bar\'s open, and cancels none', async () => {
    expect(await executed()).toBe(TICKERS.length);
    expect(await executor.metric('ops_pipeline_executor_updates_total', { status: 'CANCELLED' })).toBe(0);
    const codec = new AvroCodec(createRegistry(conn.registry));
    const fills: Array<[string, number | null, number | null]> = [];
    await readToEnd(topics.kafka, topicName('signals', topics.prefix), async (m) => {
      const s = await codec.decode<Signal>(m.value).catch(() => null);
      if (s?.status === 'EXECUTED') fills.push([s.ticker, s.filled_price, s.shares]);
    });
    expect(fills.sort()).toEqual(TICKERS.map((t) => [t, 100, 10_000 / 100]).sort());
  });

  it.each(['signals', 'marketCandles'] as const)('%s: each bad record is in the DLQ once per time it was sent, with its reason and origin, counted', async (id) => {
    const topic = topicName(id, topics.prefix);
    const sent = [...poison.get(id)!, ...poison.get(id)!];
    expectDlq(await readDlq(topics.kafka, `${topic}.dlq`), sent, { topic, stage: 'executor' });
    expect(await executor.metric('ops_pipeline_dlq_records_total', { topic, stage: 'executor' })).toBe(sent.length);
  });

  it('logs each DLQ record with its reason, and keeps running', async () => {
    expectLogged(executor, (await Promise.all([...poison.keys()].map((id) => readDlq(topics.kafka, `${topicName(id, topics.prefix)}.dlq`)))).flat());
    expect(executor.process.exitCode).toBeNull();
    expect(await executor.stop()).toBe(0);
  });

  it('after a restart, sends no bad record to the DLQ again and decides nothing again', async () => {
    const again = await runCli(['--topic-prefix', topics.prefix, '--candle-interval', '1m', 'run', 'executor'], { executor: { ttlMinutes: 10, allowedLatenessMinutes: 5 } });
    try {
      // Metrics are served once the start (state read, its DLQ records and decisions) is done.
      await again.waitFor('the restarted executor is up', async () => !Number.isNaN(await again.metric('ops_pipeline_dlq_records_total')));
      expect(await again.metric('ops_pipeline_dlq_records_total')).toBe(0);
      expect(await again.metric('ops_pipeline_executor_updates_total')).toBe(0);
      for (const id of ['signals', 'marketCandles'] as const) {
        expect((await readDlq(topics.kafka, `${topicName(id, topics.prefix)}.dlq`)).length).toBe(2 * poison.get(id)!.length);
      }
    } finally {
      expect(await again.stop()).toBe(0);
    }
  });
});
