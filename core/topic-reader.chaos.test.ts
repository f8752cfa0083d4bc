import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicName } from '../schemas/catalog.ts';
import { ownBroker, type OwnBroker } from '../test/chaos/own-broker.ts';
import { ServiceUnreachableError } from './errors.ts';
import { readToEnd } from './topic-reader.ts';

// readToEnd with the broker hung mid-read (a broker of this test's own, frozen with SIGSTOP:
// connections stay open and nothing answers, so kafkajs sees no error for a long while and the
// read just stops making progress). The read must fail, never end quietly as if the topic had
// been read to its end: a component rebuilding its state from it would go on with a wrong one.
// A handler slower than the stall timeout is not a stall. (A broker that refuses connections
// makes kafkajs fail the consumer by itself.)

const RECORDS = 400;
let broker: OwnBroker;
let topic: string;

beforeAll(async () => {
  broker = await ownBroker('kafka-reader-outage', 19370);
  topic = topicName('marketCandles', await broker.newPrefix('reader-outage'));
  // 10 KiB each, one partition: many fetches, so the broker is gone before the end.
  const producer = broker.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const value = Buffer.alloc(10 * 1024, 'x');
  for (let i = 0; i < RECORDS; i += 50) {
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 50 }, () => ({ key: 'k', value, partition: 0 })) });
  }
  await producer.disconnect();
});
afterAll(async () => {
  await broker?.remove();
});

describe('readToEnd when the broker stops answering', () => {
  it('fails with ServiceUnreachableError instead of returning a partial read', async () => {
    let read = 0;
    try {
      const result = await readToEnd(
        broker.kafka,
        topic,
        () => {
          if (read++ === 0) broker.freeze();
        },
        { stallTimeoutMs: 2000 },
      ).then(
        () => 'ended',
        (err: unknown) => err,
      );
      expect(read).toBeLessThan(RECORDS);
      expect(result).toBeInstanceOf(ServiceUnreachableError);
      expect((result as Error).message).toMatch(/^Kafka unreachable at the brokers \(no records for 2 s before the end offsets of \S+market\.candles:0\)$/);
    } finally {
      broker.thaw();
    }
  });

  it('reads to the end once the broker answers, however slow the handler', async () => {
    let read = 0;
    await readToEnd(
      broker.kafka,
      topic,
      async () => {
        if (read++ === 0) await new Promise((resolve) => setTimeout(resolve, 3000));
      },
      { stallTimeoutMs: 2000 },
    );
    expect(read).toBe(RECORDS);
  });
});
