import type { Logger } from './log.ts';

// A long-running component's progress in its own log: the line `run` prints when it ends, at
// info every few seconds while it changes, so whoever reads the logs (an operator, `up`'s
// console) sees the work move without scraping metrics.

export const PROGRESS_MS = 10_000;

/** Logs `line()` (fields, message) every `everyMs` if its message changed since the last one; `stop()` ends it. */
export function logProgress(log: Logger, line: () => [fields: object, msg: string], everyMs = PROGRESS_MS): { stop(): void } {
  // The starting state (nothing done yet) is not news.
  let last = line()[1];
  const timer = setInterval(() => {
    const [fields, msg] = line();
    if (msg === last) return;
    last = msg;
    log.info(fields, msg);
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
