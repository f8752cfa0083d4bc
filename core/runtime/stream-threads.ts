import { Worker } from 'node:worker_threads';
import { OpsPipelineError } from '../errors.ts';
import { logger } from '../log.ts';
import { addMetricsSource } from '../metrics.ts';
import type { ComponentDefinition, Deployment, Running, RunOptions } from './component.ts';
import type { StreamThreadData, ThreadReply, ThreadRequest } from './stream-thread.ts';
import { sumSummaries, toThread } from './thread-transfer.ts';

// Kafka Streams' num.stream.threads: one process runs a processor as several members of its
// group, each in a worker thread with its own consumer, tasks, producers and heap, so one
// instance uses several cores. A thread is exactly another instance, in the same process: the
// group spreads the tasks over all of them, and the output never depends on how many run. The
// process stops, reports and serves metrics as one.

/** A stream thread failed: its error, as it crossed from the thread. */
export class StreamThreadError extends OpsPipelineError {
  readonly exitCode: number;
  override readonly retriable: boolean;
  constructor(thread: number, e: { name: string; message: string; exitCode?: number; retriable?: boolean }) {
    super(`stream thread ${thread}: ${e.message}`);
    this.name = e.name;
    this.exitCode = e.exitCode ?? 1;
    this.retriable = e.retriable ?? false;
  }
}

/** Where a thread starts: the CLI's entry, which in a worker runs one stream thread. */
function threadEntry(): { file: URL; entry: string } {
  const here = import.meta.url;
  // Bundled (bin/ops-pipeline.js), this module is the CLI's bundle itself; from the sources
  // (tests, benches) the thread needs tsx's loader before it can import them.
  if (!here.endsWith('.ts')) return { file: new URL(here), entry: here };
  return { file: new URL('./stream-thread-boot.mjs', here), entry: new URL('../../cli/main.ts', here).href };
}

interface Thread {
  worker: Worker;
  loaded: Promise<void>;
  started: Promise<void>;
  done: Promise<unknown>;
}

export async function startStreamThreads(def: ComponentDefinition, config: { threads?: number }, deployment: Deployment, o: RunOptions & { options?: Record<string, unknown> }): Promise<Running<unknown>> {
  const log = logger(def.name);
  const count = config.threads ?? 1;
  const { file, entry } = threadEntry();
  const threads: Thread[] = [];
  const removals: Array<() => void> = [];
  for (let i = 0; i < count; i++) {
    const data: StreamThreadData = {
      entry,
      component: def.name,
      config: toThread({ ...config, threads: 1 }),
      deployment: toThread(deployment),
      options: toThread(o.options ?? {}),
      once: o.once === true,
      thread: i + 1,
    };
    const worker = new Worker(file, { workerData: { opsPipelineStreamThread: data } });
    threads.push(track(worker, i + 1));
    removals.push(addMetricsSource(() => ask(worker)));
  }
  const stopAll = async () => {
    for (const t of threads) t.worker.postMessage({ type: 'stop' } satisfies ThreadRequest);
    await Promise.allSettled(threads.map((t) => t.done));
  };
  try {
    await Promise.all(threads.map((t) => t.loaded));
    for (const t of threads) t.worker.postMessage({ type: 'start' } satisfies ThreadRequest);
    await Promise.all(threads.map((t) => t.started));
  } catch (err) {
    await stopAll();
    removals.forEach((r) => r());
    throw err;
  }
  log.info({ threads: count }, `${def.name}: ${count} stream threads running`);
  // One thread failing stops the others: the process ends as one instance would.
  const done = Promise.all(threads.map((t) => t.done.catch(async (err) => {
    await stopAll();
    throw err;
  })))
    .then((summaries) => sumSummaries(summaries))
    .finally(() => removals.forEach((r) => r()));
  return { done, stop: stopAll };
}

/** A promise and its settling functions (Promise.withResolvers, from Node 22). */
function settleable<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (err: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Its readers handle a rejection; a thread failing before anyone reads is not unhandled.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

function track(worker: Worker, thread: number): Thread {
  const loaded = settleable<void>();
  const started = settleable<void>();
  const done = settleable<unknown>();
  const fail = (err: unknown) => {
    loaded.resolve();
    started.reject(err);
    done.reject(err);
  };
  worker.on('message', (m: ThreadReply) => {
    if (m.type === 'loaded') loaded.resolve();
    else if (m.type === 'started') started.resolve();
    else if (m.type === 'done') done.resolve(m.summary);
    else if (m.type === 'failed') fail(new StreamThreadError(thread, m.error));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new StreamThreadError(thread, { name: 'Error', message: `ended (exit code ${code}) before it reported` })));
  // A thread ends on its own once stopped; a client that gave up on a broker may hold a timer.
  done.promise.then(() => setTimeout(() => void worker.terminate(), 3000).unref(), () => void worker.terminate());
  return { worker, loaded: loaded.promise, started: started.promise, done: done.promise };
}

let asked = 0;

/** A thread's metrics, for the process's /metrics. */
function ask(worker: Worker): ReturnType<Parameters<typeof addMetricsSource>[0]> {
  const id = ++asked;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      worker.off('message', onReply);
      reject(new Error('a stream thread did not answer for its metrics'));
    }, 2000);
    const onReply = (m: ThreadReply) => {
      if (m.type !== 'metrics' || m.id !== id) return;
      clearTimeout(timer);
      worker.off('message', onReply);
      resolve(m.metrics);
    };
    worker.on('message', onReply);
    worker.postMessage({ type: 'metrics', id } satisfies ThreadRequest);
  });
}
