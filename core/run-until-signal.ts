import type { Server } from 'node:http';
import { ConfigError } from './errors.ts';
import { logger } from './log.ts';
import { serveMetrics } from './metrics.ts';
import { ownSignals, releaseSignals } from './signals.ts';

/** A running component: `done` settles when it stops by itself; `stop` asks it to. */
export interface Running<T> {
  done: Promise<T>;
  stop(): Promise<void>;
}

let early: NodeJS.Signals | undefined;
const noteEarly = (signal: NodeJS.Signals) => {
  if (early) process.exit(130);
  early = signal;
  logger('cli').info({ signal }, 'stopping once the start step in hand is done');
};

/**
 * A signal while a component still starts (preflight, model load, first join) is kept, not
 * fatal: the component stops cleanly once it runs, so an orchestrator's SIGTERM always means a
 * clean stop. A second signal exits at once.
 */
export function holdSignalsUntilRunning(): void {
  ownSignals(noteEarly);
}

/** The signal that came while the component was still starting, if one did. */
export function signalledBeforeRunning(): NodeJS.Signals | undefined {
  return early;
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
  ownSignals(onSignal);
  if (early) onSignal(early);
  try {
    return await running.done;
  } finally {
    releaseSignals(onSignal);
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
