import { afterAll, beforeAll, expect, it } from 'vitest';
import { testConnections, uniquePrefix, deletePrefixed } from '../test/kafka.ts';
import { createKafka } from './kafka.ts';
import { readToEnd } from './topic-reader.ts';
import type { Admin, Kafka } from 'kafkajs';

// readToEnd against the real broker: a partition whose end comes early must not pass on the
// records after its end, even while another partition is still being read (its later fetches
// come back with them), and a holdBack pause must not stall the read.

const prefix = uniquePrefix('reader');
const topic = `${prefix}two`;
const other = `${prefix}other`;
let kafka: Kafka;
let admin: Admin;
const VALUE = Buffer.alloc(8 * 1024, 1);

beforeAll(async () => {
  kafka = createKafka(testConnections().kafka, 'test-reader');
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }, { topic: other, numPartitions: 1 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  // 8 KiB records: partition 0 spans several 1 MiB fetches; partition 1 is longer still.
  for (const [partition, count] of [[0, 400], [1, 1200]] as const) {
    for (let i = 0; i < count; i += 100) {
      await producer.send({ topic, messages: Array.from({ length: 100 }, (_, j) => ({ partition, key: `${partition}-${i + j}`, value: VALUE })) });
    }
  }
  await producer.send({ topic: other, messages: Array.from({ length: 50 }, (_, j) => ({ key: `o-${j}`, value: Buffer.from('x') })) });
  await producer.disconnect();
});
afterAll(async () => {
  await deletePrefixed(admin, prefix);
  await admin.disconnect();
});

it('stops each partition at its own end offset while the others are still read', async () => {
  const seen = new Map<string, number[]>();
  const ended: string[] = [];
  await readToEnd(
    kafka,
    [topic, other],
    (m, partition, t) => {
      const k = `${t === topic ? 'two' : 'other'}:${partition}`;
      seen.set(k, [...(seen.get(k) ?? []), Number(m.offset)]);
    },
    { endAt: ({ topic: t, partition, high }) => (t === topic && partition === 0 ? 150n : high), onPartitionEnd: (t, p) => void ended.push(`${t === topic ? 'two' : 'other'}:${p}`) },
  );
  expect(seen.get('two:0')).toEqual(Array.from({ length: 150 }, (_, i) => i));
  expect(seen.get('two:1')?.length).toBe(1200);
  expect(seen.get('other:0')?.length).toBe(50);
  expect(ended.sort()).toEqual(['other:0', 'two:0', 'two:1']);
});

it('pauses a partition while holdBack says so and reads it to the end once released', async () => {
  let read1 = 0;
  let read0 = 0;
  await readToEnd(
    kafka,
    topic,
    (_m, partition) => void (partition === 0 ? read0++ : read1++),
    // Partition 1 waits until partition 0 is done.
    { holdBack: (_t, partition) => partition === 1 && read0 < 400 },
  );
  expect({ read0, read1 }).toEqual({ read0: 400, read1: 1200 });
});
