import type { Kafka, Message } from 'kafkajs';
import { OpsPipelineError } from '../../../core/errors.ts';
import { sendChunked } from '../../../core/chunked-send.ts';
import type { Registry } from '../../../core/registry.ts';
import { initTransactions } from '../../../core/runtime/fenced.ts';
import { readToEnd } from '../../../core/topic-reader.ts';
import { applyTopics } from '../../../schemas/apply.ts';
import { topicName } from '../../../schemas/catalog.ts';

// A model swap's scratch topics: the whole catalog under the scratch prefix, made as `topics
// apply` makes it (topics, DLQ topics, schemas), and in its news.raw a copy of the range's
// records, written in one transaction: a reader sees all of the copy or none of it, so a copy
// that is there is a whole one, and a second run reuses it instead of copying twice.

/** The scratch news.raw holds records, but not this copy: someone wrote to it besides a model swap. */
export class ScratchTopicsError extends OpsPipelineError {
  readonly exitCode = 2;
  constructor(
    readonly topic: string,
    found: number,
    expected: number,
  ) {
    super(`${topic} holds ${found} records, not the ${expected} of this range: scratch topics are a model swap's own; delete the topics under its prefix and run again`);
  }
}

async function committedRecords(kafka: Kafka, topic: string): Promise<number> {
  let n = 0;
  await readToEnd(kafka, topic, () => void n++);
  return n;
}

export async function prepareScratchTopics(kafka: Kafka, registry: Registry, prefix: string, range: readonly Message[]): Promise<'copied' | 'reused'> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await applyTopics(admin, registry, prefix);
  } finally {
    await admin.disconnect();
  }
  const topic = topicName('newsRaw', prefix);
  const producer = kafka.producer({ transactionalId: `${prefix}model-swap-copy`, idempotent: true, maxInFlightRequests: 1 });
  // First: a copy that an earlier run left open is aborted, so the count below can read past it.
  await initTransactions(producer);
  try {
    const found = await committedRecords(kafka, topic);
    if (found === range.length && found > 0) return 'reused';
    if (found !== 0) throw new ScratchTopicsError(topic, found, range.length);
    const tx = await producer.transaction();
    try {
      await sendChunked(tx, topic, range);
      await tx.commit();
    } catch (err) {
      await tx.abort().catch(() => {});
      throw err;
    }
    return 'copied';
  } finally {
    await producer.disconnect();
  }
}
