import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../core/registry.ts';
import { topicName, type TopicId } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Candle, NewsClassified } from '../../schemas/records.ts';
import { SAMPLES } from '../../schemas/samples.ts';
import { expectDlq, expectLogged, produceInterleaved, readDlq, runCli, undecodable, untradeableBars, type Poison, type RunningCli } from '../../test/bad-records.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';

// Poison among good inputs on both inputs of the signals processor, through the real CLI
// (`run signals`): undecodable records, and values Avro accepts but the engine cannot use (an
// unknown interval, a NaN or infinite price, an unknown label, a score that is no probability).
// Each lands in `<topic>.dlq` with its reason and origin, is counted and logged; every good
// input reaches the engine, so no partition stalls behind a bad record.

const conn = testConnections();
const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const uid = (i: number) => i.toString(16).padStart(64, '0');
const candle = (i: number, ticker: string): Candle => ({ ...SAMPLES.marketCandles, ticker, ts: T0 + i * MIN });
const news = (i: number): NewsClassified => ({ ...SAMPLES.newsClassified, event_uid: uid(i), event_time: T0 + i * 2 * MIN, tickers: ['AAPL'] });
const GOOD_CANDLES = Array.from({ length: 12 }, (_, i) => [candle(i, 'AAPL'), candle(i, 'MSFT')]).flat();
const GOOD_NEWS = Array.from({ length: 6 }, (_, i) => news(i));

let topics: TestTopics;
let producer: Producer;
let signals: RunningCli;
const poison = new Map<TopicId, Poison[]>();

beforeAll(async () => {
  topics = await testTopics('signals-poison');
  producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
  const bad = async <K extends 'marketCandles' | 'newsClassified'>(id: K, name: string, record: K extends 'marketCandles' ? Candle : NewsClassified, reason: RegExp): Promise<Poison> => ({
    name,
    message: await encoder.message(id, record as never),
    reason,
  });
  poison.set('marketCandles', [
    ...(await undecodable(encoder, 'marketCandles', 'newsClassified', 'AAPL')),
    await bad('marketCandles', 'unknown interval', { ...candle(50, 'AAPL'), interval: '7m' }, /candle with an unknown interval "7m"/),
    await bad('marketCandles', 'NaN close', { ...candle(51, 'AAPL'), close: NaN }, /close = NaN is not a finite number/),
    await bad('marketCandles', 'infinite adjclose', { ...candle(52, 'MSFT'), adjclose: Infinity }, /adjclose = Infinity is not a finite number/),
    ...(await untradeableBars(encoder, candle(53, 'AAPL'))),
  ]);
  poison.set('newsClassified', [
    ...(await undecodable(encoder, 'newsClassified', 'newsRaw', uid(9000))),
    await bad('newsClassified', 'unknown label', { ...news(9001), sentiment_label: 'bullish' }, /sentiment_label = "bullish" is not one of positive, negative, neutral/),
    await bad('newsClassified', 'NaN score', { ...news(9002), sentiment_score: NaN }, /sentiment_score = NaN is not a probability/),
    await bad('newsClassified', 'score above 1', { ...news(9003), sentiment_score: 1.5 }, /sentiment_score = 1.5 is not a probability/),
    await bad('newsClassified', 'a story key of another kind', { ...news(9004), story_key: 'f'.repeat(16) }, /story_key = "ffffffffffffffff" is not 64 lower-case hex digits/),
  ]);
  await produceInterleaved(producer, topicName('marketCandles', topics.prefix), await encoder.messages('marketCandles', GOOD_CANDLES), poison.get('marketCandles')!.map((p) => p.message));
  await produceInterleaved(producer, topicName('newsClassified', topics.prefix), await encoder.messages('newsClassified', GOOD_NEWS), poison.get('newsClassified')!.map((p) => p.message));

  signals = await runCli(['--topic-prefix', topics.prefix, '--candle-interval', '1m', 'run', 'signals'], { signals: {} });
  const total = [...poison.values()].flat().length;
  await signals.waitFor('signals reported every poison record', async () => (await signals.metric('ops_pipeline_dlq_records_total', { stage: 'signals' })) >= total);
  await signals.waitFor('every good input reached the engine', async () => (await signals.metric('ops_pipeline_signals_inputs_total')) >= GOOD_CANDLES.length + GOOD_NEWS.length);
});

afterAll(async () => {
  await signals?.stop();
  await producer?.disconnect();
  await topics?.cleanup();
});

describe('signals: bad inputs among good ones', () => {
  it('every good input reaches the engine', async () => {
    expect(await signals.metric('ops_pipeline_signals_inputs_total', { kind: 'candle' })).toBe(GOOD_CANDLES.length);
    expect(await signals.metric('ops_pipeline_signals_inputs_total', { kind: 'news' })).toBe(GOOD_NEWS.length);
  });

  it.each(['marketCandles', 'newsClassified'] as const)('%s: each bad record is in the DLQ unchanged, with its reason and origin, counted', async (id) => {
    const topic = topicName(id, topics.prefix);
    expectDlq(await readDlq(topics.kafka, `${topic}.dlq`), poison.get(id)!, { topic, stage: 'signals' });
    expect(await signals.metric('ops_pipeline_dlq_records_total', { topic, stage: 'signals' })).toBe(poison.get(id)!.length);
  });

  it('logs each DLQ record with its reason, and keeps running', async () => {
    expectLogged(signals, (await Promise.all([...poison.keys()].map((id) => readDlq(topics.kafka, `${topicName(id, topics.prefix)}.dlq`)))).flat());
    expect(signals.process.exitCode).toBeNull();
    expect(await signals.stop()).toBe(0);
  });
});
