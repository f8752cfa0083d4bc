// The end of a long-running component: `stop()` closes it once (from a signal, a test or
// `--once` going idle) and `done` then settles with what `close` returns.

export interface Stoppable<T> {
  done: Promise<T>;
  stop(): Promise<void>;
  readonly stopping: boolean;
}

export function stoppable<T>(close: () => Promise<T>): Stoppable<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  let stopping = false;
  return {
    done,
    get stopping() {
      return stopping;
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      await close().then(resolve, reject);
    },
  };
}

/** `--once`: stop as soon as `idle()` holds (polled every 200 ms). */
export function stopWhenIdle(s: Stoppable<unknown>, idle: () => boolean): void {
  const timer = setInterval(() => {
    if (s.stopping) return clearInterval(timer);
    if (idle()) {
      clearInterval(timer);
      void s.stop();
    }
  }, 200);
}
