import type { Kafka, Message } from 'kafkajs';
import { readToEnd } from '../topic-reader.ts';

// A task's state in Kafka: a compacted changelog topic, one partition per task, key → JSON
// (null deletes the key). Written in the task's transactions with its outputs and offsets, so
// it always matches what was committed; read back whole when the task starts on an instance.

/** The runtime's own key in a task's changelog (the processor's keys never start with `~`). */
export const TASK_META_KEY = '~task';

/** The task's state as its changelog holds it: the last value per key. */
export async function restoreChangelog(kafka: Kafka, topic: string, partition: number): Promise<Map<string, unknown>> {
  // Only each key's last value is parsed: until the cleaner has compacted it, a changelog holds
  // a value for every commit that changed the key, and a start would otherwise grow with the
  // history instead of with the keys. A copy, so the fetched batches are not all kept.
  const last = new Map<string, Buffer>();
  await readToEnd(
    kafka,
    topic,
    (m) => {
      const key = m.key?.toString('utf8') ?? '';
      if (m.value === null) last.delete(key);
      else last.set(key, Buffer.from(m.value));
    },
    { partitions: [partition] },
  );
  const state = new Map<string, unknown>();
  for (const [key, value] of last) state.set(key, JSON.parse(value.toString('utf8')));
  return state;
}

export function changelogMessage(key: string, value: unknown, partition: number): Message {
  return { key, value: value === null || value === undefined ? null : Buffer.from(JSON.stringify(value)), partition };
}
