import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, ServiceUnreachableError } from '../errors.ts';
import type { Deployment, PassOutcome, SourceDefinition } from './component.ts';
import { startSource } from './source-runtime.ts';

// The source runtime's rules, with a source whose passes are scripted: the next pass comes when
// the schedule says, or after the backoff when a pass met an outage; `--once` is one good pass;
// an error a retry cannot help ends the source; a stop does not wait out the schedule.

const deployment = { connections: {}, prefix: 't.', candleInterval: '1m' } as unknown as Deployment;

function scripted(outcomes: Array<PassOutcome | Error>) {
  const passes: boolean[] = [];
  let closed = false;
  const def: SourceDefinition<object, { passes: number }> = {
    kind: 'source',
    name: 'scripted',
    description: 'test',
    section: 'scripted',
    config: z.object({}),
    async open() {
      return {
        async pass({ all }) {
          passes.push(all);
          const next = outcomes[Math.min(passes.length - 1, outcomes.length - 1)]!;
          if (next instanceof Error) throw next;
          return next;
        },
        summary: () => ({ passes: passes.length }),
        async close() {
          closed = true;
        },
      };
    },
    describe: (s) => `scripted: ${s.passes} passes`,
  };
  return { def, passes, closed: () => closed };
}

const outage = new ServiceUnreachableError('Kafka', 'b:9092');

describe('source runtime', () => {
  it('--once: one pass over everything, then closed with its summary', async () => {
    const s = scripted([{ dueInMs: 60_000 }]);
    const run = await startSource(s.def, {}, deployment, { once: true });
    expect(await run.done).toEqual({ passes: 1 });
    expect(s.passes).toEqual([true]);
    expect(s.closed()).toBe(true);
  });

  it('a pass that met an outage is followed by another after the backoff, not the schedule', async () => {
    const s = scripted([{ dueInMs: 60_000, outage }, { dueInMs: 60_000 }]);
    const run = await startSource(s.def, {}, deployment, { once: true });
    expect(await run.done).toEqual({ passes: 2 });
  });

  it('an error thrown by a pass is retried when it says a retry may help', async () => {
    const s = scripted([outage, { dueInMs: 0 }]);
    const run = await startSource(s.def, {}, deployment, { once: true });
    expect(await run.done).toEqual({ passes: 2 });
  });

  it('an error a retry cannot help ends the source with it, closed', async () => {
    const fatal = new ConfigError('bad', 'x');
    const s = scripted([fatal]);
    const run = await startSource(s.def, {}, deployment, {});
    await expect(run.done).rejects.toBe(fatal);
    expect(s.passes).toHaveLength(1);
    expect(s.closed()).toBe(true);
  });

  it('runs passes on the schedule, and a stop does not wait for the next', async () => {
    const s = scripted([{ dueInMs: 0 }, { dueInMs: 0 }, { dueInMs: 3_600_000 }]);
    const run = await startSource(s.def, {}, deployment, {});
    while (s.passes.length < 3) await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await run.stop();
    expect(await run.done).toEqual({ passes: 3 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(s.passes).toEqual([false, false, false]);
  });
});
