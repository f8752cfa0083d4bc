import { z } from 'zod';
import { TOPIC_IDS } from '../../schemas/catalog.ts';

/** Section `sink` of the config file. */
export const SinkConfig = z
  .object({
    groupId: z.string().min(1).default('ops-pipeline-sink').describe('Consumer group of the sink, after the topic prefix; one group reads every topic.'),
    topics: z
      .array(z.enum(TOPIC_IDS as [string, ...string[]]))
      .min(1)
      .default([...TOPIC_IDS])
      .describe('The topics to write to their tables, by catalog id.'),
    maxBytesPerPartition: z
      .number()
      .int()
      .min(64 * 1024)
      .default(8 * 1024 * 1024)
      .describe('Most bytes fetched per partition per request: the micro-batch size (a fetch takes up to four times this).'),
    maxWaitTimeMs: z.number().int().min(0).max(30_000).default(250).describe('How long the broker may wait to fill a fetch; bounds latency when traffic is low.'),
    concurrency: z.number().int().min(1).max(16).default(2).describe('Partition batches written at once, each on its own database connection.'),
    fromBeginning: z.boolean().default(true).describe('Start from the earliest offset when the group has none, so tables are rebuilt from the topics; false starts at the end.'),
    sessionTimeoutMs: z
      .number()
      .int()
      .min(6000)
      .default(30_000)
      .describe('How long a dead instance holds its partitions before the group gives them to another (the broker allows 6 s and up).'),
    idleExitMs: z
      .number()
      .int()
      .min(100)
      .default(3000)
      .describe('With --once: stop after this long without new records even if a partition never reached its end offset (transaction markers, compaction).'),
  })
  .strict();
export type SinkConfig = z.infer<typeof SinkConfig>;
