import { setTimeout as sleep } from 'node:timers/promises';
import { AssignerProtocol, type Admin } from 'kafkajs';
import { processMetrics } from '../core/metrics.ts';

/** Tasks started in this process so far, its stream threads' too (every processor's, this run's earlier benches' too). */
export async function startedTaskCount(): Promise<number> {
  return metricSum('ops_pipeline_task_start_seconds', (name) => name.endsWith('_count'));
}

/** A metric's values summed over its series and this process's threads (`which` picks a histogram's parts). */
export async function metricSum(metric: string, which: (name: string) => boolean = () => true): Promise<number> {
  const values = (await (await processMetrics()).getSingleMetric(metric)?.get())?.values ?? [];
  return values.filter((v) => which((v as { metricName?: string }).metricName ?? metric)).reduce((a, v) => a + v.value, 0);
}

/**
 * Resolves with their number once the processor in this process reading `topics` has started its
 * tasks (fenced, restored, positioned), one per partition, beyond the `before` started earlier
 * (`startedTaskCount()` taken before the processor was): its start is over. Benches time
 * throughput from here, a start being a fixed cost (`npm run bench restart` measures it).
 */
export async function tasksStarted(admin: Admin, topics: string[], before: number): Promise<number> {
  const n = (await admin.fetchTopicMetadata({ topics })).topics.reduce((sum, t) => sum + t.partitions.length, 0);
  while ((await startedTaskCount()) - before < n) await sleep(5);
  return n;
}

/**
 * Resolves once the group is stable with `members` members, each with partitions: a process's
 * stream threads have joined and the group has spread the tasks over them.
 */
export async function groupSpread(admin: Admin, groupId: string, members: number): Promise<void> {
  for (;;) {
    const [group] = (await admin.describeGroups([groupId])).groups;
    if (group?.state === 'Stable' && group.members.length === members && group.members.every((m) => Object.keys(AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {}).length > 0)) return;
    await sleep(5);
  }
}
