import type { Server } from 'node:http';
import { ConfigError } from './errors.ts';
import { logger } from './log.ts';
import { serveMetrics } from './metrics.ts';

/** A running component: `done` settles when it stops by itself; `stop` asks it to. */
export interface Running<T> {
  done: Promise<T>;
  stop(): Promise<void>;
}

/** Waits for the component, stopping it cleanly on SIGINT/SIGTERM (a second signal exits). */
export async function runUntilSignal<T>(running: Running<T>): Promise<T> {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(130);
    signalled = true;
    logger('cli').info({ signal }, 'stopping');
    void running.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await running.done;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * Serves the Prometheus metrics (METRICS_PORT) while the component runs until it stops or a
 * signal stops it. A port that cannot be bound stops the component and fails the command: a
 * component left running without its metrics would go unmonitored without anyone knowing.
 */
export async function runServingMetrics<T>(running: Running<T>): Promise<T> {
  let metrics: Server | undefined;
  try {
    metrics = await serveMetrics();
  } catch (err) {
    await running.stop().catch(() => {});
    await running.done.catch(() => {});
    throw new ConfigError(`cannot serve metrics on port ${process.env.METRICS_PORT}: ${(err as Error).message}`, 'METRICS_PORT');
  }
  try {
    return await runUntilSignal(running);
  } finally {
    metrics?.close();
  }
}
