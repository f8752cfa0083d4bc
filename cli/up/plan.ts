import { ConfigError } from '../../core/errors.ts';
import type { ComponentDefinition } from '../../core/runtime/component.ts';

// The processes `up` runs: one `run <component>` per instance of every component of the
// registry, in its order, each with its own name (its console prefix and log file) and, with
// `--metrics-base-port n`, its own METRICS_PORT (the i-th child n+i).

export interface ChildPlan {
  /** `classify`, or `classify-1`, `classify-2` with more instances. */
  name: string;
  component: string;
  /** Arguments of bin/ops-pipeline.js. */
  args: string[];
  metricsPort?: number;
}

export interface PlanOptions {
  /** The global options, before `run` (global-arguments.ts). */
  global: readonly string[];
  /** Arguments of `run <component>` for some components (the sample's recorded candles). */
  extra?: Readonly<Record<string, readonly string[]>>;
  metricsBasePort?: number;
}

export function planChildren(components: readonly ComponentDefinition[], instances: ReadonlyMap<string, number>, o: PlanOptions): ChildPlan[] {
  const plans = components.flatMap((c) => {
    const count = instances.get(c.name) ?? 1;
    return Array.from({ length: count }, (_, i) => ({
      name: count > 1 ? `${c.name}-${i + 1}` : c.name,
      component: c.name,
      args: [...o.global, 'run', c.name, ...(o.extra?.[c.name] ?? [])],
    }));
  });
  const base = o.metricsBasePort;
  if (base === undefined) return plans;
  if (!Number.isInteger(base) || base < 1 || base + plans.length - 1 > 65_535) {
    throw new ConfigError(`a port from 1 to ${65_536 - plans.length} (${plans.length} children, one port each); got ${base}`, '--metrics-base-port');
  }
  return plans.map((p, i) => ({ ...p, metricsPort: base + i }));
}
