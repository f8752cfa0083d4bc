import { z } from 'zod';

// The settings every consumer-group component shares, defined once (as Redpanda Connect's
// shared field builders are) so the sections and the generated reference cannot drift.

export function groupFields(component: string, o: { maxBytesPerPartition: number }) {
  return {
    groupId: z
      .string()
      .min(1)
      .default(`ops-pipeline-${component}`)
      .describe('Consumer group of the component, after the topic prefix; its tasks\' transactional ids, internal topics and changelogs are named after it.'),
    idleExitMs: z.number().int().min(100).default(3000).describe('With --once: stop after this long without new input once every assigned partition is caught up.'),
    sessionTimeoutMs: z
      .number()
      .int()
      .min(6000)
      .default(30_000)
      .describe('How long a dead instance holds its partitions before the group gives them to another (the broker allows 6 s and up).'),
    maxBytesPerPartition: z
      .number()
      .int()
      .min(1024)
      .default(o.maxBytesPerPartition)
      .describe('Most bytes fetched per partition at once: one fetched batch is one transaction of its task.'),
    threads: threadsField(),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(2)
      .describe('Task batches processed at once (each task still one batch at a time, in order): while one task waits on its transaction\'s commit, another computes.'),
    maxBytesPerFetch: z
      .number()
      .int()
      .min(1024)
      .default(2 * o.maxBytesPerPartition)
      .describe(
        'Most bytes one fetch from a broker brings, its partitions together (Kafka\'s fetch.max.bytes): a fetch is held in memory while its batches are processed and the next one is read, so this bounds the records in the heap (a 1 MiB fetch of candles is about 10,000 records).',
      ),
  };
}

/**
 * Kafka Streams' num.stream.threads: members of the group this one process runs, each in a
 * worker thread of its own with its own tasks, so one instance uses more than one core.
 */
export function threadsField() {
  return z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(1)
    .describe(
      'Stream threads of this instance (Kafka Streams\' num.stream.threads): each is a member of the group on a core of its own, with its own tasks, connections and memory; tasks spread over every thread of every instance, and the output is the same however many run.',
    );
}

/** Records of one input partition an event-time join holds before that partition is paused. */
export const DEFAULT_MAX_BUFFERED_PER_PARTITION = 10_000;

/** The settings of a processor whose stage joins its inputs in event time. */
export function joinFields() {
  return {
    maxBufferedPerPartition: z
      .number()
      .int()
      .min(1)
      .default(DEFAULT_MAX_BUFFERED_PER_PARTITION)
      .describe('Records of one input partition waiting in the event-time join beyond which that partition is paused until the join has used them (a partition the join waits on is never paused): bounds the memory a backlog read ahead of its other inputs takes.'),
  };
}

export interface GroupSettings {
  groupId: string;
  idleExitMs: number;
  sessionTimeoutMs: number;
  maxBytesPerPartition: number;
  maxBytesPerFetch?: number;
  concurrency?: number;
  threads?: number;
  maxBufferedPerPartition?: number;
}
