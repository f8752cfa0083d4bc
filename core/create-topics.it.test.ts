import { afterAll, beforeAll, expect, it } from 'vitest';
import { deletePrefixed, testConnections, uniquePrefix } from '../test/kafka.ts';
import { createTopicsAndWait } from './create-topics.ts';
import { createKafka } from './kafka.ts';

// Two instances creating the same topics at once (as two processors starting together create
// their internal topics), and topics that exist already: every call returns once each partition
// has a leader that answers, none fails.

const conn = testConnections();
const prefix = uniquePrefix('create-topics');
const admin = createKafka(conn.kafka, 'test-create-topics').admin();

beforeAll(() => admin.connect());
afterAll(async () => {
  await deletePrefixed(admin, prefix);
  await admin.disconnect();
});

it('returns once every partition has a leader, when two create the same topics at once or they exist', async () => {
  const topics = [`${prefix}a`, `${prefix}b`].map((topic) => ({ topic, numPartitions: 4, replicationFactor: -1 }));
  await Promise.all([createTopicsAndWait(admin, topics), createTopicsAndWait(admin, topics)]);
  await createTopicsAndWait(admin, [...topics, { topic: `${prefix}c`, numPartitions: 2, replicationFactor: -1 }]);
  const { topics: meta } = await admin.fetchTopicMetadata({ topics: [`${prefix}a`, `${prefix}b`, `${prefix}c`] });
  expect(meta.map((t) => [t.name, t.partitions.length, t.partitions.every((p) => p.leader >= 0)]).sort()).toEqual([
    [`${prefix}a`, 4, true],
    [`${prefix}b`, 4, true],
    [`${prefix}c`, 2, true],
  ]);
});

it('returns once the leaders answer: offsets can be listed at once', async () => {
  // The broker named a leader in the metadata before it led: one ListOffsets in a few failed.
  for (let i = 0; i < 6; i++) {
    const topic = `${prefix}offsets-${i}`;
    await createTopicsAndWait(admin, [{ topic, numPartitions: 3, replicationFactor: -1 }]);
    expect((await admin.fetchTopicOffsets(topic)).map((p) => p.high)).toEqual(['0', '0', '0']);
  }
});
