import { afterEach, expect, it, vi } from 'vitest';
import type { Logger } from './log.ts';
import { logProgress } from './progress-log.ts';

afterEach(() => {
  vi.useRealTimers();
});

it('logs the line when it changed since the last one, not the starting state, until stopped', () => {
  vi.useFakeTimers();
  const logged: string[] = [];
  const log = { info: (_fields: object, msg: string) => void logged.push(msg) } as unknown as Logger;
  let done = 0;
  const progress = logProgress(log, () => [{ done }, `${done} done`], 1000);
  vi.advanceTimersByTime(1000);
  done = 2;
  vi.advanceTimersByTime(1000);
  vi.advanceTimersByTime(1000);
  done = 5;
  vi.advanceTimersByTime(1000);
  progress.stop();
  done = 9;
  vi.advanceTimersByTime(5000);
  expect(logged).toEqual(['2 done', '5 done']);
});
