import { logger } from '../core/log.ts';

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
