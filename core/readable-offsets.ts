import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';

/** A record a transaction wrote: its topic, partition and offset. */
export interface Written {
  topic: string;
  partition: number;
  offset: string;
}

// A transaction's commit returns once the coordinator has logged it; the markers that make its
// records readable at read_committed reach the partitions a moment later. A command that says
// "done" waits for them, so that the next command (a sink run with --once) reads what it wrote.
export async function waitUntilReadable(kafka: Kafka, written: readonly Written[], timeoutMs = 10_000): Promise<boolean> {
  const needed = new Map<string, Map<number, bigint>>();
  for (const w of written) {
    const byPartition = needed.get(w.topic) ?? new Map<number, bigint>();
    const next = BigInt(w.offset) + 1n;
    if ((byPartition.get(w.partition) ?? 0n) < next) byPartition.set(w.partition, next);
    needed.set(w.topic, byPartition);
  }
  if (!needed.size) return true;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let readable = true;
      for (const [topic, byPartition] of needed) {
        // fetchTopicOffsets asks at read_committed: `high` is the last stable offset.
        for (const o of await admin.fetchTopicOffsets(topic)) {
          const want = byPartition.get(o.partition);
          if (want !== undefined && BigInt(o.high) < want) readable = false;
        }
      }
      if (readable) return true;
      if (Date.now() > deadline) return false;
      await sleep(50);
    }
  } finally {
    await admin.disconnect();
  }
}
