import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceUnreachableError } from '../core/errors.ts';
import { checkKafka, createKafka, withKafka } from '../core/kafka.ts';
import { checkRegistry, createRegistry, withRegistry } from '../core/registry.ts';
import { deletePrefixed, deleteSubjects, testConnections, uniquePrefix } from '../test/kafka.ts';
import { SchemaRefusedError, applyTopics, plannedTopics, registerValueSchema } from './apply.ts';
import { TOPIC_IDS, TOPICS, topicName, valueSchema, valueSubject, type AvroRecordSchema } from './catalog.ts';
import { SAMPLES } from './samples.ts';

// Topic contracts against the real broker and registry: `topics apply` creates what the
// catalog says and is idempotent, leaves differing topics alone, each topic's schema
// round-trips a record through Kafka and the registry, and the registry refuses a change
// that would break existing readers.

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const conn = testConnections();
const prefix = uniquePrefix('contracts');
const kafka = createKafka(conn.kafka, 'test-contracts');
const admin = kafka.admin();
const registry = createRegistry(conn.registry);

beforeAll(async () => {
  await admin.connect();
});

afterAll(async () => {
  await deletePrefixed(admin, prefix);
  await admin.disconnect();
  await deleteSubjects(conn.registry.url, prefix);
});

async function brokerConfigs(topics: string[], names: string[]): Promise<Map<string, Record<string, string>>> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: 2 /* ConfigResourceTypes.TOPIC */, name, configNames: names })),
  });
  return new Map(described.resources.map((r) => [r.resourceName, Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue]))]));
}

describe('topics apply', () => {
  const p = `${prefix}a.`;

  it('creates every topic and DLQ with its partitions and configs, and registers every schema under BACKWARD', async () => {
    const report = await applyTopics(admin, registry, p);
    expect(report.topics.map((t) => t.result)).toEqual(plannedTopics(p).map(() => 'created'));
    expect(report.schemas.map((s) => [s.subject, s.result, s.version])).toEqual(TOPIC_IDS.map((id) => [valueSubject(topicName(id, p)), 'registered', 1]));

    const plans = plannedTopics(p);
    const meta = await admin.fetchTopicMetadata({ topics: plans.map((x) => x.topic) });
    const configs = await brokerConfigs(
      plans.map((x) => x.topic),
      ['cleanup.policy', 'retention.ms', 'min.compaction.lag.ms', 'segment.ms', 'max.message.bytes'],
    );
    for (const plan of plans) {
      const actual = configs.get(plan.topic)!;
      expect({
        topic: plan.topic,
        partitions: meta.topics.find((t) => t.name === plan.topic)?.partitions.length,
        configs: Object.fromEntries(Object.keys(plan.configs).map((k) => [k, actual[k]])),
      }).toEqual({ topic: plan.topic, partitions: plan.partitions, configs: plan.configs });
    }
    expect(configs.get(topicName('feedsState', p))!['cleanup.policy']).toBe('compact');
    expect(configs.get(topicName('newsRaw', p))!['cleanup.policy']).toBe('delete');

    for (const s of report.schemas) {
      expect({ subject: s.subject, level: await registry.subjectCompatibility(s.subject) }).toEqual({ subject: s.subject, level: 'BACKWARD' });
      expect(await registry.latestVersion(s.subject)).toEqual({ id: s.id, version: s.version });
    }
  });

  it('is idempotent: a second apply reports every topic and schema unchanged, with the same ids', async () => {
    const before = await registry.latestVersion(valueSubject(topicName('newsRaw', p)));
    const again = await applyTopics(admin, registry, p);
    expect(new Set(again.topics.map((t) => t.result))).toEqual(new Set(['unchanged']));
    expect(new Set(again.schemas.map((s) => `${s.result}/${s.compatibility}`))).toEqual(new Set(['unchanged/unchanged']));
    expect(again.schemas.find((s) => s.subject === valueSubject(topicName('newsRaw', p)))).toMatchObject(before!);
  });

  it('puts a subject whose compatibility was loosened back to BACKWARD', async () => {
    const subject = valueSubject(topicName('signals', p));
    await registry.setSubjectCompatibility(subject, 'NONE');
    const report = await applyTopics(admin, registry, p);
    expect(report.schemas.filter((s) => s.compatibility === 'set').map((s) => s.subject)).toEqual([subject]);
    expect(await registry.subjectCompatibility(subject)).toBe('BACKWARD');
  });
});

describe('topics apply on topics that differ from the catalog', () => {
  const p = `${prefix}d.`;

  it('reports the differences and does not alter the topic', async () => {
    const feeds = topicName('feedsState', p);
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: feeds, numPartitions: 2, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] }],
    });
    const report = await applyTopics(admin, registry, p);
    const differing = report.topics.filter((t) => t.result === 'differs');
    expect(differing.map((t) => t.topic)).toEqual([feeds]);
    expect(differing[0]!.differences).toEqual(expect.arrayContaining(['partitions 2 (catalog: 1)', 'cleanup.policy=delete (catalog: compact)']));
    expect(report.topics.filter((t) => t.result === 'created')).toHaveLength(plannedTopics(p).length - 1);
    expect((await brokerConfigs([feeds], ['cleanup.policy'])).get(feeds)).toEqual({ 'cleanup.policy': 'delete' });
  });
});

describe.each(TOPIC_IDS)('%s round trip through Kafka and the registry', (id) => {
  const p = `${prefix}a.`;

  it('decodes to the record that was encoded, under the key the catalog names', async () => {
    const topic = topicName(id, p);
    const schemaId = await registry.getLatestSchemaId(valueSubject(topic));
    const value = await registry.encode(schemaId, SAMPLES[id]);
    expect(value[0]).toBe(0); // Confluent wire format: magic byte, then the schema id
    expect(value.readInt32BE(1)).toBe(schemaId);

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const key = String((SAMPLES[id] as unknown as Record<string, unknown>)[TOPICS[id].keyField]);
    await producer.send({ topic, acks: -1, messages: [{ key, value }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `${p}rt-${id}` });
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
    expect(received).toEqual({ key, value: SAMPLES[id] });
  });
});

describe('schema evolution under BACKWARD', () => {
  const p = `${prefix}a.`;
  const subject = () => valueSubject(topicName('marketCandles', p));
  const base = () => valueSchema('marketCandles');

  const refused: Array<{ name: string; change: (s: AvroRecordSchema) => AvroRecordSchema }> = [
    {
      name: 'a new field without a default',
      change: (s) => ({ ...s, fields: [...s.fields, { name: 'vwap', type: 'double', doc: 'volume-weighted average price' }] }),
    },
    {
      name: 'a field changing type (double to string)',
      change: (s) => ({ ...s, fields: s.fields.map((f) => (f.name === 'close' ? { ...f, type: 'string' } : f)) }),
    },
    {
      name: 'a nullable field becoming required',
      change: (s) => ({ ...s, fields: s.fields.map((f) => (f.name === 'volume' ? { name: f.name, type: 'long', doc: f.doc } : f)) }),
    },
  ];

  it.each(refused)('refuses $name', async ({ change }) => {
    await expect(
      registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(change(base())) }, { subject: subject() }),
    ).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/Incompatible/i) });
  });

  it('accepts a new optional field with a default, under a new id, and old records still decode', async () => {
    const before = await registry.getLatestSchemaId(subject());
    const oldRecord = await registry.encode(before, SAMPLES.marketCandles);
    const evolved = {
      ...base(),
      fields: [...base().fields, { name: 'trades', type: ['null', 'long'], default: null, doc: 'Number of trades in the bar.' }],
    };
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(evolved) }, { subject: subject() });
    expect(id).not.toBe(before);
    expect(await registry.decode(oldRecord)).toEqual(SAMPLES.marketCandles);
    expect(await registry.decode(oldRecord, { AVRO: { readerSchema: evolved as never } })).toEqual({ ...SAMPLES.marketCandles, trades: null });
  });

  it('takes news.classified with story_key over the version before it; a record of that version reads story_key as null', async () => {
    const q = `${prefix}s.`;
    const subject = valueSubject(topicName('newsClassified', q));
    const current = valueSchema('newsClassified');
    const before = { ...current, fields: current.fields.filter((f) => f.name !== 'story_key') };
    await registry.setSubjectCompatibility(subject, 'BACKWARD');
    const beforeId = await registry.registerVersion(subject, JSON.stringify(before));
    const { story_key: _, ...oldRecord } = SAMPLES.newsClassified;
    const encoded = await registry.encode(beforeId, oldRecord);
    expect(await registerValueSchema(registry, 'newsClassified', q)).toMatchObject({ result: 'registered', version: 2 });
    expect(await registry.decode(encoded, { AVRO: { readerSchema: current as never } })).toEqual({ ...oldRecord, story_key: null });
  });

  it('accepts feeds.state with its polite-polling fields over the schema before them, and reads old records with their defaults', async () => {
    const q = `${prefix}f.`;
    const added = ['moved_to', 'earliest_poll_at', 'newest_item_at'];
    const current = valueSchema('feedsState');
    const before = { ...current, fields: current.fields.filter((f) => !added.includes(f.name)) };
    const oldId = await registry.registerVersion(valueSubject(topicName('feedsState', q)), JSON.stringify(before));
    const { moved_to: _m, earliest_poll_at: _e, newest_item_at: _n, ...oldRecord } = SAMPLES.feedsState;
    const written = await registry.encode(oldId, oldRecord);

    const result = await registerValueSchema(registry, 'feedsState', q);
    expect({ result: result.result, version: result.version }).toEqual({ result: 'registered', version: 2 });
    expect(await registry.decode(written, { AVRO: { readerSchema: current as never } })).toEqual({ ...oldRecord, moved_to: null, earliest_poll_at: null, newest_item_at: null });
  });

  it('refuses, with the file and the fix in the message, a committed schema that breaks what is registered', async () => {
    const q = `${prefix}e.`;
    const older = { ...base(), fields: base().fields.map((f) => (f.name === 'close' ? { ...f, type: 'string' } : f)) };
    await registry.registerVersion(valueSubject(topicName('marketCandles', q)), JSON.stringify(older));
    const attempt = registerValueSchema(registry, 'marketCandles', q);
    await expect(attempt).rejects.toBeInstanceOf(SchemaRefusedError);
    await expect(attempt).rejects.toThrow(/market\.candles\.avsc is not BACKWARD-compatible .*optional with a default/);
  });
});

describe('unreachable services', () => {
  // Port 1 on loopback: nothing listens, so the connection is refused at once.
  it('checkKafka fails within seconds with ServiceUnreachableError naming the brokers', async () => {
    const started = Date.now();
    await expect(checkKafka({ brokers: ['127.0.0.1:1'], clientId: 'x' })).rejects.toThrow(/Kafka unreachable at 127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(checkKafka({ brokers: ['127.0.0.1:1', ...conn.kafka.brokers], clientId: 'x' })).resolves.toBeUndefined();
  });

  it('checkRegistry and withRegistry name the registry URL', async () => {
    const down = { url: 'http://127.0.0.1:1/apis/ccompat/v7' };
    await expect(checkRegistry(down)).rejects.toBeInstanceOf(ServiceUnreachableError);
    await expect(withRegistry(down, () => createRegistry(down).getLatestSchemaId('x-value'))).rejects.toThrow(/schema registry unreachable at http:\/\/127\.0\.0\.1:1/);
    await expect(createRegistry(down).subjects()).rejects.toBeInstanceOf(ServiceUnreachableError);
  });

  it('withKafka maps a refused connection to ServiceUnreachableError', async () => {
    const down = { brokers: ['127.0.0.1:1'], clientId: 'x' };
    const unreachableAdmin = createKafka(down, 'test', { retry: { retries: 0 } }).admin();
    await expect(withKafka(down, () => unreachableAdmin.connect())).rejects.toBeInstanceOf(ServiceUnreachableError);
  });
});

describe('the topics command', () => {
  const p = `${prefix}cli.`;
  const cli = (...args: string[]) =>
    promisify(execFile)('node', ['bin/ops-pipeline.js', '--topic-prefix', p, ...args], { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'error' } });

  it('applies, re-applies with nothing to do, and describes what it made', async () => {
    const first = await cli('topics', 'apply');
    expect(first.stdout).toMatch(new RegExp(`topic +${p.replace(/\./g, '\\.')}feeds\\.state +created`));
    expect(first.stdout).toMatch(/schema +\S+signals-value +registered id \d+ version 1/);

    const second = await cli('topics', 'apply');
    const lines = second.stdout.trim().split('\n');
    expect(lines).toHaveLength(plannedTopics(p).length + TOPIC_IDS.length);
    for (const line of lines) expect(line).toMatch(/ (unchanged|unchanged id \d+ version 1)$/);

    const described = JSON.parse((await cli('topics', 'describe', '--json')).stdout) as {
      topics: Array<{ topic: string; exists: boolean; differences: string[] }>;
      subjects: Array<{ subject: string; latest: { version: number } | null; compatibility: string }>;
    };
    expect(described.topics.every((t) => t.exists && t.differences.length === 0)).toBe(true);
    expect(described.subjects.map((s) => [s.latest?.version, s.compatibility])).toEqual(TOPIC_IDS.map(() => [1, 'BACKWARD']));
  });

  it('exits 3 with one clear line when Kafka is unreachable', async () => {
    const failed = await cli('--brokers', '127.0.0.1:1', 'topics', 'apply').catch((err: { code: number; stderr: string }) => err);
    expect(failed).toMatchObject({ code: 3 });
    expect((failed as { stderr: string }).stderr).toMatch(/^error: Kafka unreachable at 127\.0\.0\.1:1: .*ECONNREFUSED.*services status/m);
  });
});

describe('topics apply with a deployment\'s partition counts', () => {
  const p = `${prefix}g.`;
  const counts = async (ids: Array<'newsRaw' | 'marketCandles' | 'signals'>) => {
    const meta = await admin.fetchTopicMetadata({ topics: ids.map((id) => topicName(id, p)) });
    return ids.map((id) => meta.topics.find((t) => t.name === topicName(id, p))!.partitions.length);
  };

  it('creates topics with them', async () => {
    await applyTopics(admin, registry, p, { partitions: { marketCandles: 2, signals: 2 } });
    expect(await counts(['newsRaw', 'marketCandles', 'signals'])).toEqual([3, 2, 2]);
  });

  it('grows news.raw only with --add-partitions, and never the topics whose keys carry state', async () => {
    const more = { newsRaw: 5, marketCandles: 4, signals: 4 };
    const asked = await applyTopics(admin, registry, p, { partitions: more });
    const raw = asked.topics.find((t) => t.topic === topicName('newsRaw', p))!;
    expect(raw).toMatchObject({ result: 'differs', partitions: { from: 3, to: 5, advice: expect.stringMatching(/run topics apply --add-partitions$/) } });
    expect(await counts(['newsRaw', 'marketCandles', 'signals'])).toEqual([3, 2, 2]);

    const grown = await applyTopics(admin, registry, p, { partitions: more, addPartitions: true });
    expect(grown.topics.find((t) => t.topic === topicName('newsRaw', p))).toMatchObject({ result: 'grown', partitions: { from: 3, to: 5 } });
    const candles = grown.topics.find((t) => t.topic === topicName('marketCandles', p))!;
    expect(candles).toMatchObject({ result: 'differs', partitions: { advice: expect.stringMatching(/^not grown: keyed by ticker/) } });
    expect(await counts(['newsRaw', 'marketCandles', 'signals'])).toEqual([5, 2, 2]);
  });

  it('refuses to shrink: Kafka cannot remove partitions', async () => {
    const report = await applyTopics(admin, registry, p, { partitions: { newsRaw: 1, marketCandles: 2, signals: 2 }, addPartitions: true });
    expect(report.topics.find((t) => t.topic === topicName('newsRaw', p))).toMatchObject({ result: 'differs', partitions: { from: 5, to: 1, advice: expect.stringMatching(/^Kafka cannot remove partitions/) } });
    expect(await counts(['newsRaw'])).toEqual([5]);
  });
});
