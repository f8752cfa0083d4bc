import type { ComponentDefinition, Deployment, Running, RunOptions } from './component.ts';
import { startProcessor } from './processor-runtime.ts';

/** Starts any component with its validated config section. */
export function startComponent(def: ComponentDefinition, config: unknown, deployment: Deployment, o: RunOptions & { options?: Record<string, unknown> } = {}): Promise<Running<unknown>> {
  return def.kind === 'processor' ? startProcessor(def, config as never, deployment, o) : def.start(config, deployment, o);
}

/** The line `run <component>` prints at the end. */
export function describeSummary(def: ComponentDefinition, summary: unknown): string {
  return def.describe(summary as never);
}
