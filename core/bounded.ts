import type { Logger } from './log.ts';

/**
 * Waits for `work`, but at most `ms`: a shutdown step that hangs (a client still retrying a
 * broker that froze or went away) must not keep the process from stopping. What it did not
 * finish is done again by whoever runs the work next: transactions and offsets see to that.
 */
export async function bounded(work: Promise<unknown>, ms: number, what: string, log?: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const outcome = await Promise.race([work.then(() => 'done' as const, () => 'done' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') log?.warn({ ms }, `${what} did not finish in time; going on without it`);
}
