import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/avro-codec.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { metricsRegistry } from '../../core/metrics.ts';
import { topicName, valueSchema, valueSubject } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Candle, NewsClassified, Signal } from '../../schemas/records.ts';
import { groupOf, testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { SignalsConfig, SignalRules } from './config.ts';
import { SignalEngine } from './engine.ts';
import { startProcessor } from '../../core/runtime/processor-runtime.ts';
import { signalsComponent } from './component.ts';
import { candleInput, newsInput } from './to-input.ts';

// The processor against the real broker and registry: what it produces equals the engine
// on the same inputs (copies of one story among them, counted once); a restart produces
// nothing twice; the same topics written in another (legal) interleaving, or partly with the
// schema before story_key, give the same signals byte for byte.

const conn = testConnections();
const codec = new AvroCodec(createRegistry(conn.registry));
const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const rules = { allowedLatenessSeconds: 300, halfLifeMinutes: 30, buyThreshold: 0.7, sellThreshold: 0.7, cooldownMinutes: 20 };

function rng(seed: number) {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function inputs(): { news: NewsClassified[]; candles: Candle[] } {
  const r = rng(42);
  const tickers = ['AAPL', 'MSFT', 'NVDA'];
  const news: NewsClassified[] = [];
  const candles: Candle[] = [];
  for (let m = 0; m < 240; m++) {
    for (const ticker of tickers) {
      const close = 100 + Math.round(r() * 300) / 100;
      candles.push({ ticker, ts: T0 + m * MIN, interval: '1m', open: close, high: close + 0.5, low: close - 0.5, close, adjclose: null, volume: Math.round(500 + r() * 1000), source: 'test' });
    }
    if (r() < 0.2) {
      const t = T0 + (m + r()) * MIN;
      const label = ['positive', 'negative', 'neutral'][Math.floor(r() * 3)]!;
      news.push({
        event_uid: `n${m}-`.padEnd(64, '0'),
        event_time: Math.round(t),
        published_at: Math.round(t),
        fetched_at: Math.round(t),
        title: `news ${m}`,
        source: null,
        link: null,
        tickers: [tickers[Math.floor(r() * 3)]!],
        sentiment_label: label,
        sentiment_score: 0.55 + r() * 0.45,
        event_type: 'other',
        urgency: 'routine',
        model_version: 'test',
        classified_at: Math.round(t),
        story_key: null,
      });
      // Another feed republishes some: another item, one story, that counts once.
      if (r() < 0.5) {
        const copy = news[news.length - 1]!;
        const at = Math.round(t + (1 + r() * 2) * MIN);
        news.push({ ...copy, event_uid: `c${m}-`.padEnd(64, '0'), event_time: at, published_at: at, fetched_at: at, classified_at: at, title: `UPDATE 1-${copy.title}`, sentiment_label: label === 'positive' ? 'negative' : 'positive' });
      }
    }
  }
  return { news, candles };
}

function expectedSignals(data: ReturnType<typeof inputs>, overrides: Partial<SignalRules> = {}): Signal[] {
  const engine = new SignalEngine(SignalRules.parse({ ...rules, ...overrides }));
  const all = [...data.news.map(newsInput), ...data.candles.map((c) => candleInput(c, '1m'))].sort(
    (a, b) => (a.kind === 'news' ? a.eventTime : a.ts + a.intervalMs) - (b.kind === 'news' ? b.eventTime : b.ts + b.intervalMs),
  );
  return all.flatMap((i) => engine.push(i).signals);
}

async function write(topics: TestTopics, data: ReturnType<typeof inputs>, order: 'news-first' | 'candles-first') {
  const encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
  const producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const news = { topic: topicName('newsClassified', topics.prefix), messages: await encoder.messages('newsClassified', data.news) };
  const candles = { topic: topicName('marketCandles', topics.prefix), messages: await encoder.messages('marketCandles', data.candles) };
  for (const batch of order === 'news-first' ? [news, candles] : [candles, news]) await producer.send({ ...batch, acks: -1 });
  await producer.disconnect();
}

async function runOnce(topics: TestTopics, settings: Partial<SignalsConfig> = {}) {
  const p = await startProcessor(signalsComponent, SignalsConfig.parse({ idleExitMs: 1500, rules, ...settings }), { connections: conn, prefix: topics.prefix, candleInterval: '1m' }, { once: true });
  return p.done;
}

async function produced(topics: TestTopics): Promise<Signal[]> {
  const out: Signal[] = [];
  await readToEnd(topics.kafka, topicName('signals', topics.prefix), async (m) => void out.push(await codec.decode<Signal>(m.value)));
  return out.sort((a, b) => a.ts - b.ts || a.ticker.localeCompare(b.ticker));
}

/** Writes every other news item with news.classified's schema before story_key, as a topic kept from then holds them. */
async function writeWithOldSchema(topics: TestTopics, data: ReturnType<typeof inputs>) {
  const registry = createRegistry(conn.registry);
  const subject = valueSubject(topicName('newsClassified', topics.prefix));
  const currentId = await registry.getLatestSchemaId(subject);
  const current = valueSchema('newsClassified');
  const before = { ...current, fields: current.fields.filter((f) => f.name !== 'story_key') };
  const oldId = await registry.registerVersion(subject, JSON.stringify(before));
  const encoder = new RecordEncoder(registry, topics.prefix);
  const messages = await Promise.all(
    data.news.map(async (n, i) => {
      const { story_key: _, ...old } = n;
      return { key: n.event_uid, value: await codec.encode(i % 2 ? currentId : oldId, i % 2 ? n : old), timestamp: String(n.event_time) };
    }),
  );
  const producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic: topicName('marketCandles', topics.prefix), acks: -1, messages: await encoder.messages('marketCandles', data.candles) });
  await producer.send({ topic: topicName('newsClassified', topics.prefix), acks: -1, messages });
  await producer.disconnect();
}

let a: TestTopics;
let b: TestTopics;
let c: TestTopics;
let d: TestTopics;
const data = inputs();

beforeAll(async () => {
  a = await testTopics('signals-a');
  b = await testTopics('signals-b');
  c = await testTopics('signals-c');
  d = await testTopics('signals-d');
});
afterAll(async () => {
  await a?.cleanup();
  await b?.cleanup();
  await c?.cleanup();
  await d?.cleanup();
});

describe('signals processor', () => {
  it('produces, in a transaction, the signals the engine makes from the same inputs', async () => {
    expect(data.news.filter((n) => n.event_uid.startsWith('c')).length).toBeGreaterThan(5);
    await write(a, data, 'news-first');
    const summary = await runOnce(a);
    const expected = expectedSignals(data).sort((x, y) => x.ts - y.ts || x.ticker.localeCompare(y.ticker));
    expect(expected.length).toBeGreaterThan(3);
    // The copies matter: counted every time, they would make other signals.
    expect(JSON.stringify(expectedSignals(data, { storyWindowMinutes: 0 }).sort((x, y) => x.ts - y.ts || x.ticker.localeCompare(y.ticker)))).not.toBe(JSON.stringify(expected));
    expect(summary.late).toBe(0);
    expect(JSON.stringify(await produced(a))).toBe(JSON.stringify(expected));
  });

  it('deletes the repartitioned news once its engine tasks committed past them', async () => {
    const topic = `${groupOf(a.prefix, 'signals')}-news-by-ticker-repartition`;
    const [committed] = await a.admin.fetchOffsets({ groupId: groupOf(a.prefix, 'signals'), topics: [topic] });
    const offsets = await a.admin.fetchTopicOffsets(topic);
    expect(offsets.reduce((n, o) => n + Number(o.low), 0)).toBeGreaterThan(data.news.length);
    for (const o of offsets) expect(o.low, `partition ${o.partition}`).toBe(committed!.partitions.find((p) => p.partition === o.partition)!.offset);
  });

  it('after a restart, restores its state from the changelog and produces nothing twice', async () => {
    const before = await produced(a);
    const summary = await runOnce(a);
    expect(summary.inputs).toBe(0);
    expect(summary.signals).toBe(0);
    expect(await produced(a)).toEqual(before);
  });

  it('gives identical signals when the topics were written in another interleaving', async () => {
    await write(b, data, 'candles-first');
    await runOnce(b);
    expect(JSON.stringify(await produced(b))).toBe(JSON.stringify(await produced(a)));
  });

  it('with a join that holds few records per partition: pauses the candles read ahead of their news, and gives identical signals', async () => {
    const pauses = async () => (await metricsRegistry.getSingleMetric('ops_pipeline_join_partition_pauses_total')?.get())?.values.reduce((n, v) => n + v.value, 0) ?? 0;
    const before = await pauses();
    await write(d, data, 'candles-first');
    const summary = await runOnce(d, { maxBufferedPerPartition: 20 });
    expect(summary.late).toBe(0);
    expect(await pauses()).toBeGreaterThan(before);
    expect(JSON.stringify(await produced(d))).toBe(JSON.stringify(await produced(a)));
  });

  it('gives identical signals from records written before story_key: their story keys come from their titles', async () => {
    await writeWithOldSchema(c, data);
    const summary = await runOnce(c);
    expect(summary.dlq).toBe(0);
    expect(JSON.stringify(await produced(c))).toBe(JSON.stringify(await produced(a)));
  });
});
