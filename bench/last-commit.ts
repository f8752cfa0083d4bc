import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';

/**
 * When the group has committed every input to its end: its last transaction is in. Polled every
 * `everyMs` (one offset fetch each) until `stop` or the commit; the time it was first seen
 * (process.hrtime.bigint), `undefined` if never. The inputs must be filled before it is called.
 * A processor's work ends at its last commit; leaving the group after it is its shutdown.
 */
export async function lastCommitWatch(admin: Admin, groupId: string, topics: string[], everyMs = 10): Promise<{ at: Promise<bigint | undefined>; stop(): void }> {
  const ends = new Map<string, string>();
  for (const topic of topics) for (const o of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}:${o.partition}`, o.high);
  let stopped = false;
  const at = (async () => {
    while (!stopped) {
      const committed = await admin.fetchOffsets({ groupId, topics });
      const through = committed.every((t) => t.partitions.every((p) => p.offset === ends.get(`${t.topic}:${p.partition}`)));
      if (through) return process.hrtime.bigint();
      await sleep(everyMs);
    }
    return undefined;
  })();
  return { at, stop: () => void (stopped = true) };
}
