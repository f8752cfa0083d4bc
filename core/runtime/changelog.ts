import type { Kafka, Message } from 'kafkajs';
import { readToEnd } from '../topic-reader.ts';

// A task's state in Kafka: a compacted changelog topic, one partition per task, key → JSON
// (null deletes the key). Written in the task's transactions with its outputs and offsets, so
// it always matches what was committed; read back whole when the task starts on an instance.

/** The runtime's own key in a task's changelog (the processor's keys never start with `~`). */
export const TASK_META_KEY = '~task';

/** The task's state as its changelog holds it: the last value per key. */
export async function restoreChangelog(kafka: Kafka, topic: string, partition: number): Promise<Map<string, unknown>> {
  const state = new Map<string, unknown>();
  await readToEnd(
    kafka,
    topic,
    (m) => {
      const key = m.key?.toString('utf8') ?? '';
      if (m.value === null) state.delete(key);
      else state.set(key, JSON.parse(m.value.toString('utf8')));
    },
    { partitions: [partition] },
  );
  return state;
}

export function changelogMessage(key: string, value: unknown, partition: number): Message {
  return { key, value: value === null || value === undefined ? null : Buffer.from(JSON.stringify(value)), partition };
}
