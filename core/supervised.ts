import type { Logger } from './log.ts';
import { reportServiceAttempt } from './metrics.ts';
import { failedService, isKnownFailure } from './retriable.ts';
import { givesUp, retryDelayMs } from './retry-policy.ts';

// A component's life as a chain of sessions. A session connects, restores its tasks' state
// (from their changelogs), and consumes; when Kafka or the registry fails
// under it (a transaction that could not commit, a consumer that crashed) its in-memory state
// may hold inputs whose output never committed, so it is closed and a fresh one opened after a
// backoff: exactly what a process restart does, without the restart.

export interface Session {
  /** Rejects when the session broke and must be replaced; never resolves. */
  broken: Promise<never>;
  /** Resolves once the session did real work (a batch committed, or caught up). */
  healthy?: Promise<void>;
  close(): Promise<void>;
}

/** A session's two promises with their triggers: `fail` breaks it, `markHealthy` reports real work. */
export function sessionState() {
  let fail: (err: unknown) => void = () => {};
  const broken = new Promise<never>((_, reject) => (fail = reject));
  broken.catch(() => {});
  let markHealthy: () => void = () => {};
  const healthy = new Promise<void>((resolve) => (markHealthy = resolve));
  return { broken, healthy, fail, markHealthy };
}

/** A session that neither breaks nor reports for this long counts as healthy too (an idle one). */
const HEALTHY_AFTER_MS = 30_000;

export { ONCE_ATTEMPTS } from './retry-policy.ts';
export { failedService } from './retriable.ts';

export interface Supervisor {
  /** Settles when stopped, or rejects when the processor cannot go on (fatal error, --once out of attempts). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export function supervise(component: string, log: Logger, open: () => Promise<Session>, opts: { once?: boolean } = {}): Supervisor {
  let stopping = false;
  let wake: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  let current: Session | undefined;
  const down = new Set<string>();

  const done = (async () => {
    let failures = 0;
    while (!stopping) {
      try {
        const session = (current = await open());
        if (stopping) break;
        // Opening is not recovering (a session can open and fail on its first batch): the
        // backoff keeps growing and the gauge stays up until the session did real work.
        let timer: NodeJS.Timeout | undefined;
        void Promise.race([session.healthy ?? new Promise(() => {}), new Promise((resolve) => (timer = setTimeout(resolve, HEALTHY_AFTER_MS)))]).then(() => {
          clearTimeout(timer);
          if (current !== session) return;
          for (const service of down) reportServiceAttempt(component, service, true);
          if (failures) log.info({ failures }, 'recovered: started again from what was committed, consuming again');
          down.clear();
          failures = 0;
        });
        await Promise.race([session.broken, stopped]).finally(() => clearTimeout(timer));
      } catch (err) {
        await current?.close().catch(() => {});
        current = undefined;
        if (stopping) break;
        failures++;
        const service = failedService(err);
        reportServiceAttempt(component, service, false);
        down.add(service);
        const giveUp = givesUp(err, failures, opts.once);
        const delay = retryDelayMs(failures);
        log.warn(
          { err: (err as Error)?.message, ...(isKnownFailure(err) ? {} : { stack: (err as Error)?.stack }), service, failures, retryInMs: giveUp ? undefined : delay },
          giveUp ? `${service} failed; giving up` : `${service} failed; reconnecting after a backoff, to start again from what was committed`,
        );
        if (giveUp) throw err;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, delay))), stopped]);
        clearTimeout(timer);
      }
    }
    await current?.close();
  })();

  return {
    done,
    async stop() {
      stopping = true;
      wake();
      await done.catch(() => {});
    },
  };
}

/**
 * Outage bookkeeping for a component that lets kafkajs retry (a stateless processor, the sink,
 * the sources): each failure is counted and logged once with its service, `ok()` after work
 * that succeeded clears the gauge and logs the recovery.
 */
export function outageReporter(component: string, log: Logger) {
  const down = new Set<string>();
  return {
    /** `o.service` when the caller knows whose the failure is; `o.fields` go to the log line. */
    failed(err: unknown, what: string, o: { service?: string; fields?: object } = {}): void {
      const service = o.service ?? failedService(err);
      const fields = o.fields ?? {};
      reportServiceAttempt(component, service, false);
      down.add(service);
      log.warn({ err: (err as Error)?.message, service, ...fields }, what);
    },
    ok(): void {
      if (!down.size) return;
      for (const service of down) reportServiceAttempt(component, service, true);
      log.info({ services: [...down] }, 'recovered');
      down.clear();
    },
  };
}
