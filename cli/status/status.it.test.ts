import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRegistry } from '../../core/registry.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import { SAMPLES } from '../../schemas/samples.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { collectStatus } from './collect.ts';

// `status` against the real broker: a group that has not consumed what is there is stalled,
// with its lag in records and in age; one that consumed everything is ok.

const conn = testConnections();
let topics: TestTopics;

beforeAll(async () => {
  topics = await testTopics('status');
  const encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
  const producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const raws = Array.from({ length: 5 }, (_, i) => ({ ...SAMPLES.newsRaw, event_uid: `s${i}-`.padEnd(64, '0') }));
  await producer.send({ topic: topicName('newsRaw', topics.prefix), acks: -1, messages: await encoder.messages('newsRaw', raws) });
  await producer.disconnect();
  // A group that has consumed everything on news.raw.
  await topics.admin.setOffsets({
    groupId: `${topics.prefix}done`,
    topic: topicName('newsRaw', topics.prefix),
    partitions: (await topics.admin.fetchTopicOffsets(topicName('newsRaw', topics.prefix))).map((p) => ({ partition: p.partition, offset: p.high })),
  });
});
afterAll(async () => {
  await topics?.cleanup();
});

it('reports lag, its age and a verdict per group, and topic sizes', async () => {
  const report = await collectStatus(
    topics.kafka,
    topics.admin,
    [
      { component: 'classify', groupId: `${topics.prefix}behind`, topics: ['newsRaw'] },
      { component: 'classify', groupId: `${topics.prefix}done`, topics: ['newsRaw'] },
    ],
    topics.prefix,
    500,
  );
  const [behind, done] = report.groups;
  expect(behind).toMatchObject({ lag: '5', verdict: 'stalled' });
  expect(behind!.maxLagSeconds).toBeGreaterThanOrEqual(0);
  expect(done).toMatchObject({ lag: '0', verdict: 'ok' });
  const raw = report.topics.find((t) => t.topic === topicName('newsRaw', topics.prefix))!;
  expect(raw).toMatchObject({ records: '5', dlqRecords: '0' });
  expect(raw.lastRecordAt).toMatch(/^\d{4}-/);
});
