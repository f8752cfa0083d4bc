import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../core/kafka.ts';
import { createRegistry } from '../core/registry.ts';
import { deleteSubjects, testConnections, uniquePrefix } from '../test/kafka.ts';
import { applyTopics, plannedTopics } from './apply.ts';
import { TOPIC_IDS, TOPICS, topicName, valueSchema, valueSubject, type TopicId } from './catalog.ts';
import type { TopicRecords } from './records.ts';

// Topic contracts against the real broker and registry: `topics apply` creates what the
// catalog says, each topic's schema round-trips a record through Kafka and the registry,
// and the registry refuses a change that would break existing readers.

const conn = testConnections();
const prefix = uniquePrefix('contracts');
const kafka = createKafka(conn.kafka, 'test-contracts');
const admin = kafka.admin();
const registry = createRegistry(conn.registry);

const samples: { [K in TopicId]: TopicRecords[K] } = {
  newsRaw: {
    event_uid: 'a'.repeat(64),
    published_at: Date.UTC(2024, 0, 2, 14, 30),
    source: 'https://example.org/feed.xml',
    title: 'Apple beats estimates — shares jump 5% €',
    link: 'https://example.org/a',
    summary: null,
    fetched_at: Date.UTC(2024, 0, 2, 14, 31),
  },
  feedsState: {
    feed_url: 'https://example.org/feed.xml',
    etag: '"abc"',
    last_modified: 'Tue, 02 Jan 2024 14:30:00 GMT',
    last_seen_published: Date.UTC(2024, 0, 2, 14, 30),
    updated_at: Date.UTC(2024, 0, 2, 14, 31),
    seen_event_uids: ['a'.repeat(64), 'b'.repeat(64)],
  },
  newsClassified: {
    event_uid: 'a'.repeat(64),
    event_time: Date.UTC(2024, 0, 2, 14, 30),
    published_at: Date.UTC(2024, 0, 2, 14, 30),
    fetched_at: Date.UTC(2024, 0, 2, 14, 31),
    title: 'Apple beats estimates',
    source: null,
    link: null,
    tickers: ['AAPL'],
    sentiment_label: 'positive',
    sentiment_score: 0.93,
    event_type: 'earnings',
    urgency: 'breaking',
    model_version: 'compact-finsent@abc123',
    classified_at: Date.UTC(2024, 0, 2, 14, 32),
  },
  marketCandles: {
    ticker: 'AAPL',
    ts: Date.UTC(2024, 0, 2, 14, 30),
    interval: '1m',
    open: 185.1,
    high: 185.5,
    low: 184.9,
    close: 185.3,
    adjclose: null,
    volume: 123456,
    source: 'yahoo',
  },
  signals: {
    signal_id: 'c'.repeat(64),
    ts: Date.UTC(2024, 0, 2, 14, 35),
    ticker: 'AAPL',
    action: 'BUY',
    confidence: 0.71,
    reason: JSON.stringify({ rule: 'sentiment_momentum', event_uids: ['a'.repeat(64)] }),
    status: 'PENDING',
    executed_at: null,
    filled_price: null,
    shares: null,
  },
};

beforeAll(async () => {
  await admin.connect();
});

afterAll(async () => {
  const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  if (mine.length) await admin.deleteTopics({ topics: mine }).catch(() => {});
  await admin.disconnect();
  await deleteSubjects(conn.registry.url, prefix);
});

describe('topics apply', () => {
  it('creates every topic and DLQ with its partitions and cleanup policy, and registers every schema', async () => {
    const report = await applyTopics(admin, registry, prefix);
    expect(report.topics.every((t) => t.result === 'created')).toBe(true);
    expect(report.schemas.map((s) => s.subject)).toEqual(TOPIC_IDS.map((id) => valueSubject(topicName(id, prefix))));

    const plans = plannedTopics(prefix);
    const meta = await admin.fetchTopicMetadata({ topics: plans.map((p) => p.topic) });
    for (const p of plans) {
      expect({ topic: p.topic, partitions: meta.topics.find((t) => t.name === p.topic)?.partitions.length }).toEqual({ topic: p.topic, partitions: p.partitions });
    }
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: plans.map((p) => ({ type: 2 /* TOPIC */, name: p.topic, configNames: ['cleanup.policy', 'retention.ms'] })),
    });
    for (const r of described.resources) {
      const plan = plans.find((p) => p.topic === r.resourceName)!;
      const policy = r.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue;
      expect({ topic: r.resourceName, policy }).toEqual({ topic: r.resourceName, policy: plan.configs['cleanup.policy'] });
    }
  });

  it('is idempotent: a second apply creates nothing and gets the same schema ids', async () => {
    const first = await applyTopics(admin, registry, prefix);
    const second = await applyTopics(admin, registry, prefix);
    expect(second.topics.every((t) => t.result === 'exists')).toBe(true);
    expect(second.schemas).toEqual(first.schemas);
  });

  it('sets BACKWARD compatibility on every subject', async () => {
    for (const id of TOPIC_IDS) {
      const res = await fetch(`${conn.registry.url}/config/${encodeURIComponent(valueSubject(topicName(id, prefix)))}`);
      expect(res.ok).toBe(true);
      expect(((await res.json()) as { compatibilityLevel: string }).compatibilityLevel).toBe('BACKWARD');
    }
  });
});

describe.each(TOPIC_IDS)('%s round trip through Kafka and the registry', (id) => {
  it('decodes to the record that was encoded', async () => {
    const topic = topicName(id, prefix);
    const schemaId = await registry.getLatestSchemaId(valueSubject(topic));
    const value = await registry.encode(schemaId, samples[id]);
    expect(value[0]).toBe(0); // Confluent wire format: magic byte, then the schema id
    expect(value.readInt32BE(1)).toBe(schemaId);

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const key = String((samples[id] as unknown as Record<string, unknown>)[TOPICS[id].keyField]);
    await producer.send({ topic, acks: -1, messages: [{ key, value }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `${prefix}rt-${id}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<{ key: string; value: unknown }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message within 30 s')), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve({ key: message.key!.toString(), value: await registry.decode(message.value!) });
        },
      });
    });
    await consumer.disconnect();
    expect(received).toEqual({ key, value: samples[id] });
  });
});

describe('schema evolution under BACKWARD', () => {
  const subject = () => valueSubject(topicName('marketCandles', prefix));
  const base = () => valueSchema('marketCandles');

  const refused: Array<{ name: string; change: (s: ReturnType<typeof valueSchema>) => ReturnType<typeof valueSchema> }> = [
    {
      name: 'a new field without a default',
      change: (s) => ({ ...s, fields: [...s.fields, { name: 'vwap', type: 'double', doc: 'volume-weighted average price' }] }),
    },
    {
      name: 'a field changing type (double to string)',
      change: (s) => ({ ...s, fields: s.fields.map((f) => (f.name === 'close' ? { ...f, type: 'string' } : f)) }),
    },
  ];

  it.each(refused)('refuses $name', async ({ change }) => {
    await expect(
      registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(change(base())) }, { subject: subject() }),
    ).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/Incompatible/) });
  });

  it('accepts a new optional field with a default, under a new id, and old records still decode', async () => {
    const before = await registry.getLatestSchemaId(subject());
    const oldRecord = await registry.encode(before, samples.marketCandles);
    const evolved = {
      ...base(),
      fields: [...base().fields, { name: 'trades', type: ['null', 'long'], default: null, doc: 'Number of trades in the bar.' }],
    };
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(evolved) }, { subject: subject() });
    expect(id).not.toBe(before);
    expect(await registry.decode(oldRecord)).toEqual(samples.marketCandles);
  });
});
