import { z } from 'zod';
import { TOPIC_IDS } from '../../schemas/catalog.ts';

/** Section `sink` of the config file. */
export const SinkConfig = z
  .object({
    /** Consumer group of the sink; one group reads every topic. */
    groupId: z.string().min(1).default('ops-pipeline-sink'),
    /** Which topics to sink (catalog ids). */
    topics: z.array(z.enum(TOPIC_IDS as [string, ...string[]])).min(1).default([...TOPIC_IDS]),
    /** Upper bound of bytes fetched per partition per request: the micro-batch size. */
    maxBytesPerPartition: z.number().int().min(64 * 1024).default(8 * 1024 * 1024),
    /** How long the broker may wait to fill a fetch; bounds latency when traffic is low. */
    maxWaitTimeMs: z.number().int().min(0).max(30_000).default(250),
    /** Partition batches written at once, each on its own database connection. */
    concurrency: z.number().int().min(1).max(16).default(2),
    /** Start from the earliest offset when the group has none (tables are rebuilt from topics). */
    fromBeginning: z.boolean().default(true),
    /** How long a dead instance holds its partitions before the group gives them to another. */
    sessionTimeoutMs: z.number().int().min(6000).default(30_000),
    /** --once: stop after this long without new records even if a partition never reached its end offset. */
    idleExitMs: z.number().int().min(100).default(3000),
  })
  .strict();
export type SinkConfig = z.infer<typeof SinkConfig>;
