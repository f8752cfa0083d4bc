import { setTimeout as sleep } from 'node:timers/promises';
import { metricsRegistry } from '../core/metrics.ts';

/**
 * Resolves once `n` tasks of processors in this process have started (fenced, restored,
 * positioned): a processor's start is over. Benches time throughput from here, a start being a
 * fixed cost (`npm run bench restart` measures it), not part of a rate.
 */
export async function tasksStarted(n: number): Promise<void> {
  for (;;) {
    const values = (await metricsRegistry.getSingleMetric('ops_pipeline_task_start_seconds')?.get())?.values ?? [];
    const started = values.filter((v) => (v as { metricName?: string }).metricName?.endsWith('_count')).reduce((a, v) => a + v.value, 0);
    if (started >= n) return;
    await sleep(5);
  }
}
