import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { metricsRegistry } from '../core/metrics.ts';

/** Tasks started in this process so far (every processor's, this run's earlier benches' too). */
export async function startedTaskCount(): Promise<number> {
  const values = (await metricsRegistry.getSingleMetric('ops_pipeline_task_start_seconds')?.get())?.values ?? [];
  return values.filter((v) => (v as { metricName?: string }).metricName?.endsWith('_count')).reduce((a, v) => a + v.value, 0);
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
