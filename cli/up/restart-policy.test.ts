import { describe, expect, it } from 'vitest';
import { afterExit, type ChildExit } from './restart-policy.ts';

const loop = { exits: 5, windowMs: 60_000 };
const delay = (failures: number) => failures * 1000;
const code = (c: number): ChildExit => ({ code: c, signal: null });
const NOW = 1_000_000;

describe('afterExit', () => {
  it.each([
    { what: 'a first crash restarts after the first backoff', exit: code(1), times: [NOW], expected: { restart: true, delayMs: 1000 } },
    { what: 'the backoff grows with the recent exits', exit: code(1), times: [NOW - 20_000, NOW - 10_000, NOW], expected: { restart: true, delayMs: 3000 } },
    { what: 'exits older than the window do not count', exit: code(3), times: [NOW - 300_000, NOW - 200_000, NOW - 100_000, NOW - 61_000, NOW], expected: { restart: true, delayMs: 1000 } },
    { what: 'an exit 0 nobody asked for is restarted too', exit: code(0), times: [NOW], expected: { restart: true, delayMs: 1000 } },
    { what: 'a kill by a signal is restarted', exit: { code: null, signal: 'SIGKILL' as const }, times: [NOW], expected: { restart: true, delayMs: 1000 } },
    { what: 'four exits within the window still restart', exit: code(1), times: [NOW - 50_000, NOW - 30_000, NOW - 10_000, NOW], expected: { restart: true, delayMs: 4000 } },
  ])('$what', ({ exit, times, expected }) => {
    expect(afterExit(exit, times, NOW, loop, delay)).toEqual(expected);
  });

  it.each([
    { what: 'five exits within 60 s are a crash loop', exit: code(1), times: [NOW - 59_000, NOW - 40_000, NOW - 20_000, NOW - 5000, NOW], reason: /exited 5 times within 60 s \(last: exit code 1\): a crash loop/, exitCode: 1 },
    { what: 'a crash loop keeps the last exit code', exit: code(3), times: [NOW - 4, NOW - 3, NOW - 2, NOW - 1, NOW], reason: /last: exit code 3/, exitCode: 3 },
    { what: 'a crash loop of kills exits 1', exit: { code: null, signal: 'SIGKILL' as const }, times: [NOW - 4, NOW - 3, NOW - 2, NOW - 1, NOW], reason: /last: signal SIGKILL/, exitCode: 1 },
    { what: 'a config error is not restarted', exit: code(2), times: [NOW], reason: /configuration error \(exit code 2\)/, exitCode: 2 },
    { what: 'a fenced source is not restarted', exit: code(6), times: [NOW], reason: /fenced by another source/, exitCode: 6 },
  ])('$what', ({ exit, times, reason, exitCode }) => {
    const verdict = afterExit(exit, times, NOW, loop, delay);
    expect(verdict).toMatchObject({ restart: false, exitCode });
    expect(verdict.restart === false && verdict.reason).toMatch(reason);
  });

  it('waits the project retry backoff by default: 0.5 s doubling, with jitter', () => {
    const first = afterExit(code(1), [NOW], NOW);
    const third = afterExit(code(1), [NOW - 2, NOW - 1, NOW], NOW);
    expect(first.restart && first.delayMs).toBeGreaterThanOrEqual(400);
    expect(first.restart && first.delayMs).toBeLessThanOrEqual(600);
    expect(third.restart && third.delayMs).toBeGreaterThanOrEqual(1600);
    expect(third.restart && third.delayMs).toBeLessThanOrEqual(2400);
  });
});
