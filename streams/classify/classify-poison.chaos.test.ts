import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/avro-codec.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { recordName, topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { NewsClassified, NewsRaw } from '../../schemas/records.ts';
import { SAMPLES } from '../../schemas/samples.ts';
import { expectDlq, expectLogged, produceInterleaved, readDlq, runCli, undecodable, type Poison, type RunningCli } from '../../test/bad-records.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';

// Poison among good news items on news.raw, through the real CLI (`run classify`, the shipped
// model): each bad record lands in news.raw.dlq with its reason and origin, is counted and
// logged, and every good item is classified once — odd but valid ones (a huge title, control
// characters, only emoji) included.

const conn = testConnections();
const registry = createRegistry(conn.registry);
const codec = new AvroCodec(registry);
const uid = (i: number) => i.toString(16).padStart(64, '0');
const raw = (i: number, title = `Apple shares rise ${i}%`): NewsRaw => ({ ...SAMPLES.newsRaw, event_uid: uid(i), title });
const GOOD: NewsRaw[] = [
  ...Array.from({ length: 20 }, (_, i) => raw(i)),
  raw(100, `Nvidia ${'record revenue '.repeat(20_000)}`),
  raw(101, 'ctrl \u0001\u0007\u001b[31m red \u200b\ufeff'),
  raw(102, '📈🚀💥'),
];

let topics: TestTopics;
let producer: Producer;
let classify: RunningCli;
let poison: Poison[];

beforeAll(async () => {
  topics = await testTopics('classify-poison');
  producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const encoder = new RecordEncoder(registry, topics.prefix);
  poison = [
    ...(await undecodable(encoder, 'newsRaw', 'newsClassified', uid(9000))),
    // At the broker's record limit: its DLQ record (with headers) goes in the transaction too.
    { name: 'garbage at the size limit', message: { key: uid(9002), value: Buffer.alloc(1_048_200, 0x7a) }, reason: /magic byte/ },
    { name: 'blank title', message: await encoder.message('newsRaw', raw(9001, ' \n\t ')), reason: /news item without a title/ },
  ];
  await produceInterleaved(producer, topicName('newsRaw', topics.prefix), await encoder.messages('newsRaw', GOOD), poison.map((p) => p.message));
  classify = await runCli(['--topic-prefix', topics.prefix, 'run', 'classify'], { classify: {} });
  await classify.waitFor('classify reported every poison record', async () => (await classify.metric('ops_pipeline_dlq_records_total', { stage: 'classify' })) >= poison.length);
  await classify.waitFor('every good item was classified', async () => (await classify.metric('ops_pipeline_classify_items_total')) >= GOOD.length);
});

afterAll(async () => {
  await classify?.stop();
  await producer?.disconnect();
  await topics?.cleanup();
});

describe('classify: bad records among good ones', () => {
  it('classifies every good item exactly once', async () => {
    const out: NewsClassified[] = [];
    await readToEnd(topics.kafka, topicName('newsClassified', topics.prefix), async (m) => void out.push(await codec.decode<NewsClassified>(m.value, recordName('newsClassified'))));
    expect(out.map((c) => c.event_uid).sort()).toEqual(GOOD.map((r) => r.event_uid).sort());
  });

  it('puts each bad record in news.raw.dlq unchanged, with its reason and origin', async () => {
    const topic = topicName('newsRaw', topics.prefix);
    expectDlq(await readDlq(topics.kafka, `${topic}.dlq`), poison, { topic, stage: 'classify' });
  });

  it('counts and logs each DLQ record, and keeps running', async () => {
    expect(await classify.metric('ops_pipeline_dlq_records_total', { topic: topicName('newsRaw', topics.prefix), stage: 'classify' })).toBe(poison.length);
    expectLogged(classify, await readDlq(topics.kafka, `${topicName('newsRaw', topics.prefix)}.dlq`));
    expect(classify.process.exitCode).toBeNull();
    expect(await classify.stop()).toBe(0);
  });
});
