import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, ITopicConfig } from 'kafkajs';
import { errorChain } from './retriable.ts';

// Creates topics and waits until every partition has a leader. kafkajs' own wait
// (`waitForLeaders`) retries only LEADER_NOT_AVAILABLE; a broker still applying the new metadata
// answers UNKNOWN_TOPIC_OR_PARTITION for a moment, which kafkajs throws — a busy machine's
// `topics apply` failed on it. And a leader the metadata names may not lead yet: a ListOffsets
// right after answered NOT_LEADER_FOR_PARTITION (one run in six), so the wait ends only once
// every topic's offsets can be listed. A topic another process created meanwhile is not a failure.

const NOT_READY = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);

/** The broker's error code name under kafkajs' wrappers, if it answered with one. */
function protocolType(err: unknown): string | undefined {
  for (const e of errorChain(err)) {
    const { type } = e as { type?: unknown };
    if (typeof type === 'string') return type;
  }
  return undefined;
}

export async function createTopicsAndWait(admin: Admin, topics: ITopicConfig[], timeoutMs = 30_000): Promise<void> {
  if (!topics.length) return;
  await admin.createTopics({ waitForLeaders: false, topics }).catch((err: unknown) => {
    // kafkajs reports per-topic refusals together; the topics not refused were created.
    const refusals = (err as { errors?: unknown[] }).errors ?? [err];
    if (!refusals.every((e) => protocolType(e) === 'TOPIC_ALREADY_EXISTS')) throw err;
  });
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: names });
      if (meta.length === names.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) {
        for (const name of names) await admin.fetchTopicOffsets(name);
        return;
      }
    } catch (err) {
      if (!NOT_READY.has(protocolType(err) ?? '') || Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`topics without a leader after ${timeoutMs / 1000} s: ${names.join(', ')}`);
    await sleep(100);
  }
}
