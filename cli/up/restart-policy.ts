import { retryDelayMs } from '../../core/retry-policy.ts';

// What `up` does when a component's process exits while nothing asked it to: start it again
// after the project's retry backoff (0.5 s doubling to 30 s), unless it says a restart cannot
// help (a config error, a fenced source) or it keeps exiting (a crash loop): then everything stops.

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** This many exits within the window is a crash loop. */
export interface CrashLoop {
  exits: number;
  windowMs: number;
}

export const CRASH_LOOP: CrashLoop = { exits: 5, windowMs: 60_000 };

export type AfterExit = { restart: true; delayMs: number } | { restart: false; reason: string; exitCode: number };

/** Exit codes after which a restart cannot help (core/errors.ts, core/runtime/fenced.ts). */
const FINAL: Readonly<Record<number, string>> = {
  2: 'exited with a configuration error (exit code 2): fix the config, a restart would fail the same way',
  6: 'was fenced by another source with its transactional id (exit code 6): a restart would fence that one back',
};

export function describeExit(exit: ChildExit): string {
  return exit.code !== null ? `exit code ${exit.code}` : `signal ${exit.signal}`;
}

/**
 * After an exit at `now`, with `exitTimes` the times of this child's exits so far (this one
 * included): restart after a backoff that grows with the recent exits, or stop with the reason.
 */
export function afterExit(exit: ChildExit, exitTimes: readonly number[], now: number, loop: CrashLoop = CRASH_LOOP, delay: (failures: number) => number = retryDelayMs): AfterExit {
  const final = exit.code !== null ? FINAL[exit.code] : undefined;
  if (final) return { restart: false, reason: final, exitCode: exit.code! };
  const recent = exitTimes.filter((t) => now - t < loop.windowMs).length;
  if (recent >= loop.exits) {
    return { restart: false, reason: `exited ${recent} times within ${loop.windowMs / 1000} s (last: ${describeExit(exit)}): a crash loop`, exitCode: exit.code || 1 };
  }
  return { restart: true, delayMs: delay(Math.max(1, recent)) };
}
