import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { metricsRegistry } from '../core/metrics.ts';

/**
 * Resolves with their number once the processor in this process reading `topics` has started its
 * tasks (fenced, restored, positioned), one per partition: its start is over. Benches time
 * throughput from here, a start being a fixed cost (`npm run bench restart` measures it).
 */
export async function tasksStarted(admin: Admin, topics: string[]): Promise<number> {
  const n = (await admin.fetchTopicMetadata({ topics })).topics.reduce((sum, t) => sum + t.partitions.length, 0);
  for (;;) {
    const values = (await metricsRegistry.getSingleMetric('ops_pipeline_task_start_seconds')?.get())?.values ?? [];
    const started = values.filter((v) => (v as { metricName?: string }).metricName?.endsWith('_count')).reduce((a, v) => a + v.value, 0);
    if (started >= n) return n;
    await sleep(5);
  }
}
