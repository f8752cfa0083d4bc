import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRegistry } from '../core/registry.ts';
import { topicName } from '../schemas/catalog.ts';
import { RecordEncoder } from '../schemas/record-encoder.ts';
import { SAMPLES } from '../schemas/samples.ts';
import { testConnections, testTopics, type TestTopics } from '../test/kafka.ts';
import { consumeSignals } from './consumer.ts';

// The example downstream consumer reads `signals` through the registry, as a user's own code would.

const conn = testConnections();
let topics: TestTopics;

beforeAll(async () => {
  topics = await testTopics('example');
});
afterAll(async () => {
  await topics?.cleanup();
});

it('reads a signal through the registry', async () => {
  const signal = SAMPLES.signals;
  const encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
  const producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic: topicName('signals', topics.prefix), acks: -1, messages: [await encoder.message('signals', signal)] });
  await producer.disconnect();
  const got = await consumeSignals({ brokers: conn.kafka.brokers, registryUrl: conn.registry.url, topic: topicName('signals', topics.prefix), groupId: `${topics.prefix}example`, max: 1 });
  expect(got).toEqual([signal]);
});
