import { z } from 'zod';

// The settings every consumer-group component shares, defined once (as Redpanda Connect's
// shared field builders are) so the sections and the generated reference cannot drift.

export function groupFields(component: string, o: { maxBytesPerPartition: number }) {
  return {
    /** Consumer group of the component; the topic prefix goes in front, and task transactional ids derive from it. */
    groupId: z.string().min(1).default(`ops-pipeline-${component}`),
    /** `--once`: stop after this long without new input once every assigned partition is caught up. */
    idleExitMs: z.number().int().min(100).default(3000),
    /** How long a dead instance holds its partitions before the group gives them to another (the broker allows 6 s and up). */
    sessionTimeoutMs: z.number().int().min(6000).default(30_000),
    /** Most bytes fetched per partition at once: one fetched batch is one transaction of its task. */
    maxBytesPerPartition: z.number().int().min(1024).default(o.maxBytesPerPartition),
  };
}

export interface GroupSettings {
  groupId: string;
  idleExitMs: number;
  sessionTimeoutMs: number;
  maxBytesPerPartition: number;
}
