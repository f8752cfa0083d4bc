import type { ComponentDefinition, Deployment, Running, RunOptions } from './component.ts';
import { startProcessor } from './processor-runtime.ts';
import { startSink } from './sink-runtime.ts';
import { startSource } from './source-runtime.ts';
import { startStreamThreads } from './stream-threads.ts';

/** Starts any component with its validated config section, on the runtime of its kind. */
export function startComponent(def: ComponentDefinition, config: unknown, deployment: Deployment, o: RunOptions & { options?: Record<string, unknown> } = {}): Promise<Running<unknown>> {
  // A processor with more than one thread runs each in a worker (stream-threads.ts).
  if (def.kind === 'processor' && ((config as { threads?: number }).threads ?? 1) > 1) return startStreamThreads(def, config as { threads?: number }, deployment, o);
  switch (def.kind) {
    case 'processor':
      return startProcessor(def, config as never, deployment, o);
    case 'source':
      return startSource(def, config, deployment, o);
    case 'sink':
      return startSink(def, config as never, deployment, o);
  }
}

/** The line `run <component>` prints at the end. */
export function describeSummary(def: ComponentDefinition, summary: unknown): string {
  return def.describe(summary as never);
}
