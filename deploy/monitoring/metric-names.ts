import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from '../local/layout.ts';

// The metric names the code defines (core/metrics.ts' helpers, which add `ops_pipeline_`) and
// the ones a PromQL expression uses, so the tests of the dashboard and the alert rules can say
// which queries name a metric nothing exports.

/** Names without the prefix, as declared: `counter('dlq_records_total', …)` gives dlq_records_total. */
export function definedMetrics(): Set<string> {
  const source = execFileSync('grep', ['-rhoE', "(counter|gauge|histogram)\\('[a-z_]+'", 'core', 'connectors', 'streams', 'cli'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return new Set([...source.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!));
}

/** The ops_pipeline_ metrics an expression uses, without the prefix and a histogram's _bucket. */
export function metricsUsed(expr: string): string[] {
  return [...expr.matchAll(/ops_pipeline_([a-z_]+?)(?:_bucket)?\b/g)].map((m) => m[1]!);
}
