import { logger } from '../log.ts';
import { logProgress } from '../progress-log.ts';
import { isKnownFailure } from '../retriable.ts';
import { givesUp, retryDelayMs } from '../retry-policy.ts';
import { stoppable } from '../stoppable.ts';
import { outageReporter } from '../supervised.ts';
import type { Deployment, Running, RunOptions, SourceDefinition } from './component.ts';

// The runtime of every source: passes over what is due, one after another, until stopped;
// `--once` is one pass over everything. A pass that met an outage of our own services (Kafka,
// the registry) produced nothing of what failed — the source's transactions and its own
// bookkeeping see to that — so the runtime comes back after the one retry policy's backoff
// instead of when the source's schedule says, and `--once` gives up after a few attempts.

/** A wait between passes is never shorter than this: no busy loop on a schedule in the past. */
const MIN_WAIT_MS = 200;

export async function startSource<C, S>(
  def: SourceDefinition<C, S>,
  config: C,
  deployment: Deployment,
  o: RunOptions & { options?: Record<string, unknown> } = {},
): Promise<Running<S>> {
  const log = logger(def.name);
  const instance = await def.open(config, deployment, o.options ?? {});
  const outages = outageReporter(def.name, log);
  const stopping = new AbortController();
  const totals = () => def.describe(instance.summary()).split('\n').at(-1)!;
  const progress = logProgress(log, () => [instance.summary() as object, totals()]);
  let wake: () => void = () => {};

  /** Resolves after `ms`, or at once when the source is asked to stop. */
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopping.signal.aborted) return resolve();
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async () => {
    for (let failures = 0; !stopping.signal.aborted; ) {
      let outcome: { dueInMs: number; outage?: unknown };
      try {
        outcome = await instance.pass({ all: o.once === true, signal: stopping.signal });
      } catch (err) {
        // Not an outage the pass could absorb: a fenced source, a bug. Retried only if it says so.
        outcome = { dueInMs: 0, outage: err };
      }
      if (outcome.outage === undefined) {
        outages.ok();
        failures = 0;
        if (o.once) return;
        await wait(Math.max(MIN_WAIT_MS, outcome.dueInMs));
        continue;
      }
      const err = outcome.outage;
      failures++;
      if (givesUp(err, failures, o.once)) {
        log.error({ err: (err as Error)?.message, ...(isKnownFailure(err) ? {} : { stack: (err as Error)?.stack }), failures }, `${def.name} cannot go on; stopping`);
        throw err;
      }
      const delay = retryDelayMs(failures);
      outages.failed(err, `producing failed; what was not produced is tried again after ${delay} ms`);
      await wait(delay);
    }
  })();

  let failure: unknown;
  const life = stoppable(async () => {
    stopping.abort();
    wake();
    await loop.catch(() => {});
    progress.stop();
    await instance.close();
    const summary = instance.summary();
    log.info(summary as object, `${def.name} stopped`);
    if (failure) throw failure;
    return summary;
  });
  loop.then(
    () => void life.stop(),
    (err: unknown) => {
      failure = err;
      void life.stop();
    },
  );
  log.info({}, `${def.name} running`);
  return { done: life.done, stop: () => life.stop() };
}
