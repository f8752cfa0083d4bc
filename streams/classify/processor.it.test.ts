import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/avro-codec.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { NewsClassified, NewsRaw } from '../../schemas/records.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { startProcessor } from '../../core/runtime/processor-runtime.ts';
import { classifyComponent } from './component.ts';
import { ClassifyConfig } from './config.ts';
import type { SentimentModel } from './sentiment.ts';
import { storyKey } from '../story/story-key.ts';

// The processor's Kafka side against the real broker and registry: every raw item becomes
// exactly one classified record (in transactions, with offsets), poison goes to the DLQ,
// and a restart classifies nothing twice. The model here is a fixed table, so that the
// test speaks about the processor; the ONNX model has tests of its own.

const conn = testConnections();
const codec = new AvroCodec(createRegistry(conn.registry));
let topics: TestTopics;

const tableModel: SentimentModel & { calls: number[] } = {
  version: 'table@test',
  calls: [],
  async classify(texts) {
    this.calls.push(texts.length);
    return texts.map((t) => (/beats|jumps|record/i.test(t) ? { label: 'positive', score: 0.9 } : /misses|plunge|cut/i.test(t) ? { label: 'negative', score: 0.8 } : { label: 'neutral', score: 0.7 }));
  },
};

const raws: NewsRaw[] = Array.from({ length: 70 }, (_, i) => ({
  event_uid: `r${i}-`.padEnd(64, 'x'),
  published_at: Date.UTC(2024, 0, 2, 14, i),
  source: 'https://feed/rss',
  title: [`Apple beats estimates ${i}`, `Tesla misses on deliveries ${i}`, `Siemens holds annual meeting ${i}`][i % 3]!,
  link: null,
  summary: null,
  fetched_at: Date.UTC(2024, 0, 2, 15, 0),
}));

async function classifiedRecords(): Promise<NewsClassified[]> {
  const out: NewsClassified[] = [];
  await readToEnd(topics.kafka, topicName('newsClassified', topics.prefix), async (m) => void out.push(await codec.decode<NewsClassified>(m.value)));
  return out;
}

async function runOnce() {
  const p = await startProcessor(classifyComponent, ClassifyConfig.parse({ batchSize: 16, idleExitMs: 1500 }), { connections: conn, prefix: topics.prefix, candleInterval: '5m' }, { once: true, options: { sentimentModel: tableModel } });
  return p.done;
}

beforeAll(async () => {
  topics = await testTopics('classify');
  const encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
  const producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({
    topic: topicName('newsRaw', topics.prefix),
    acks: -1,
    messages: [...(await encoder.messages('newsRaw', raws)), { key: 'bad', value: Buffer.from('garbage') }],
  });
  await producer.disconnect();
});
afterAll(async () => {
  await topics?.cleanup();
});

describe('classify processor', () => {
  it('classifies every raw item once, in model batches, with rules and model version', async () => {
    const summary = await runOnce();
    expect(summary).toEqual({ classified: 70, dlq: 1 });
    // One window per model call, at most 8 runs of batchSize (the ONNX loader runs them).
    expect(Math.max(...tableModel.calls)).toBeLessThanOrEqual(16 * 8);
    const out = await classifiedRecords();
    expect(out).toHaveLength(70);
    expect(new Set(out.map((c) => c.event_uid)).size).toBe(70);
    const apple = out.find((c) => c.event_uid === raws[0]!.event_uid)!;
    expect(apple).toMatchObject({ tickers: ['AAPL'], sentiment_label: 'positive', event_type: 'earnings', urgency: 'routine', model_version: 'table@test', event_time: raws[0]!.published_at, story_key: storyKey(raws[0]!.title) });
    expect(out.find((c) => c.event_uid === raws[1]!.event_uid)).toMatchObject({ tickers: ['TSLA'], sentiment_label: 'negative' });
  });

  it('classifies nothing twice after a restart', async () => {
    const summary = await runOnce();
    expect(summary).toEqual({ classified: 0, dlq: 0 });
    expect(await classifiedRecords()).toHaveLength(70);
  });
});
