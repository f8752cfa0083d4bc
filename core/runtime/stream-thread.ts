import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { metricsRegistry } from '../metrics.ts';
import type { ComponentDefinition, Deployment, Running } from './component.ts';
import { startComponent } from './start-component.ts';
import { fromThread } from './thread-transfer.ts';

// One stream thread (core/runtime/stream-threads.ts): the component's runtime in a worker,
// started, stopped and asked for its metrics by the main thread.

export interface StreamThreadData {
  /** The module the thread runs (the CLI's entry). */
  entry: string;
  component: string;
  config: unknown;
  deployment: unknown;
  options: unknown;
  once: boolean;
  /** 1, 2, …: named in the thread's logs. */
  thread: number;
}

export type ThreadRequest = { type: 'start' } | { type: 'stop' } | { type: 'metrics'; id: number };

export type ThreadReply =
  | { type: 'loaded' }
  | { type: 'started' }
  | { type: 'done'; summary: unknown }
  | { type: 'failed'; error: { name: string; message: string; exitCode?: number; retriable?: boolean } }
  | { type: 'metrics'; id: number; metrics: Awaited<ReturnType<typeof metricsRegistry.getMetricsAsJSON>> };

/** This thread's part, when it is a stream thread; undefined in the main thread. */
export function streamThreadData(): StreamThreadData | undefined {
  return isMainThread ? undefined : (workerData as { opsPipelineStreamThread?: StreamThreadData } | undefined)?.opsPipelineStreamThread;
}

/** Runs this worker's stream thread until the main thread stops it or it fails. */
export async function runStreamThread(data: StreamThreadData, componentNamed: (name: string) => ComponentDefinition): Promise<void> {
  const port = parentPort!;
  const reply = (m: ThreadReply) => port.postMessage(m);
  let running: Running<unknown> | undefined;
  let stopAsked = false;
  let startAsked!: (go: boolean) => void;
  // Every thread loaded before any joins: they join the group at once, not one rebalance each.
  const go = new Promise<boolean>((resolve) => (startAsked = resolve));
  port.on('message', (m: ThreadRequest) => {
    if (m.type === 'start') startAsked(true);
    else if (m.type === 'stop') {
      stopAsked = true;
      startAsked(false);
      void running?.stop();
    } else void metricsRegistry.getMetricsAsJSON().then((metrics) => reply({ type: 'metrics', id: m.id, metrics }));
  });
  reply({ type: 'loaded' });
  try {
    if (!(await go)) return reply({ type: 'done', summary: undefined });
    running = await startComponent(componentNamed(data.component), fromThread(data.config), fromThread(data.deployment) as Deployment, {
      once: data.once,
      options: fromThread(data.options) as Record<string, unknown>,
    });
    reply({ type: 'started' });
    // Asked to stop while it started (another thread failed to start).
    if (stopAsked) void running.stop();
    reply({ type: 'done', summary: await running.done });
  } catch (err) {
    const e = err as Error & { exitCode?: number; retriable?: boolean };
    reply({ type: 'failed', error: { name: e?.name ?? 'Error', message: e?.message ?? String(err), exitCode: e?.exitCode, retriable: e?.retriable } });
  } finally {
    port.removeAllListeners('message');
  }
}
