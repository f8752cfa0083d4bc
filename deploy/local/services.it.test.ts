import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../core/kafka.ts';
import { testConnections, uniquePrefix } from '../../test/kafka.ts';
import { REPO_ROOT } from './layout.ts';

// The local broker is a real Kafka that supports what the pipeline relies on: idempotent
// producers and transactions with read_committed consumers. And `services status` tells the truth.

const conn = testConnections();
const prefix = uniquePrefix('services');
const topic = `${prefix}txn`;
const kafka = createKafka(conn.kafka, 'test-services');
const admin = kafka.admin();

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
});

afterAll(async () => {
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
});

async function readAll(isolation: 'committed' | 'uncommitted', expected: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `${prefix}${isolation}`, readUncommitted: isolation === 'uncommitted' });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 8000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value!.toString());
        if (seen.length >= expected) {
          clearTimeout(timer);
          // Give a stray extra message the chance to show up before we stop looking.
          setTimeout(resolve, 1500);
        }
      },
    });
  });
  await consumer.disconnect();
  return seen;
}

describe('local Kafka broker', () => {
  it('commits and aborts transactions; read_committed sees only committed records', async () => {
    const producer = kafka.producer({ transactionalId: `${prefix}tx`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (const [value, outcome] of [
      ['one', 'commit'],
      ['aborted', 'abort'],
      ['two', 'commit'],
    ] as const) {
      const tx = await producer.transaction();
      await tx.send({ topic, messages: [{ key: 'k', value }] });
      await (outcome === 'commit' ? tx.commit() : tx.abort());
    }
    await producer.disconnect();

    expect(await readAll('committed', 2)).toEqual(['one', 'two']);
    expect(await readAll('uncommitted', 3)).toEqual(['one', 'aborted', 'two']);
  });
});

describe('services status', () => {
  it('reports the broker, the registry and PostgreSQL as up', async () => {
    const { stdout } = await promisify(execFile)('node', ['bin/ops-pipeline.js', 'services', 'status', '--json'], { cwd: REPO_ROOT });
    const states = JSON.parse(stdout) as Array<{ name: string; state: string }>;
    expect(Object.fromEntries(states.map((s) => [s.name, s.state]))).toEqual({ postgres: 'up', kafka: 'up', registry: 'up' });
  });
});
