import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTopics, type TestTopics } from '../../test/kafka.ts';
import { restoreChangelog } from './changelog.ts';

// A changelog the cleaner has not compacted yet holds every value a key had: a start restores
// each key's last value and parses only that one, so it follows the keys, not the history (an
// earlier value here is not even JSON).

let t: TestTopics;
let topic: string;

beforeAll(async () => {
  t = await testTopics('changelog');
  topic = `${t.prefix}restore-changelog`;
  await t.admin.createTopics({ topics: [{ topic, numPartitions: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }], waitForLeaders: true });
  const producer = t.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const v = (x: unknown) => Buffer.from(JSON.stringify(x));
  await producer.send({
    topic,
    acks: -1,
    messages: [
      { key: 'a', value: v({ n: 1 }), partition: 1 },
      { key: 'b', value: v({ n: 2 }), partition: 1 },
      { key: 'c', value: Buffer.from('{ superseded, not json'), partition: 1 },
      { key: 'a', value: v({ n: 3 }), partition: 1 },
      { key: 'b', value: null, partition: 1 },
      { key: 'c', value: v({ n: 4 }), partition: 1 },
      { key: 'd', value: v({ other: 'partition' }), partition: 0 },
    ],
  });
  await producer.disconnect();
});
afterAll(() => t?.cleanup());

describe('restoring a changelog', () => {
  it('gives each key its last value, a deleted key none, and parses only the last', async () => {
    const state = await restoreChangelog(t.kafka, topic, 1);
    expect([...state]).toEqual([
      ['a', { n: 3 }],
      ['c', { n: 4 }],
    ]);
  });
});
