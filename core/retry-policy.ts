import { backoffMs } from './backoff.ts';
import { isRetriable } from './retriable.ts';

// The one retry policy of every component: after the n-th failure in a row, wait 0.5 s doubling
// to 30 s (±20 % jitter), as long as the error says a retry may help; `--once` gives up after a
// few attempts, so a one-shot command ends with an exit code instead of waiting for ever.

/** `--once` gives up after this many failures in a row (about 7 s of backoff). */
export const ONCE_ATTEMPTS = 5;

export function retryDelayMs(failures: number): number {
  return backoffMs(failures, 0.5, 30);
}

/** Whether to stop retrying after `failures` failures in a row, the last one `err`. */
export function givesUp(err: unknown, failures: number, once = false): boolean {
  return !isRetriable(err) || (once && failures >= ONCE_ATTEMPTS);
}
