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
  };
}

export interface GroupSettings {
  groupId: string;
  idleExitMs: number;
  sessionTimeoutMs: number;
  maxBytesPerPartition: number;
}
