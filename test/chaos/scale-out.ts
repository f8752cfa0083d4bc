import type { Admin } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startComponent, waitFor, type ComponentProcess } from './component-process.ts';

// Several instances of one component in one consumer group, as real processes, with what
// happens to real fleets: instances joining and leaving, one killed (SIGKILL), one frozen past
// its session timeout and then thawed (a zombie: SIGSTOP, SIGCONT). Each event happens when the
// group's committed progress reaches its point, never at a wall-clock time.

export type ScaleEvent =
  | { at: number; start: number }
  | { at: number; kill: true }
  | { at: number; stop: true }
  | { at: number; freezeMs: number };

export interface GroupRun {
  /** What happened, in order, with the progress at each event: to check the events landed mid-run. */
  events: Array<{ event: string; progress: number }>;
  /** Every process started, for their output on failure. */
  processes: ComponentProcess[];
}

/** What each instance logged last, and the events so far: what a failed test prints. */
export function describeRun(run: GroupRun, lines = 15): string {
  const tail = (p: ComponentProcess) => p.output().split('\n').filter((l) => l && !/Limiting retries/.test(l)).slice(-lines).map((l) => l.slice(0, 400)).join('\n');
  return [`events: ${JSON.stringify(run.events)}`, ...run.processes.map((p, i) => `--- instance ${i} (${p.running() ? 'running' : 'exited'}):\n${tail(p)}`)].join('\n');
}

/** The group's committed offsets over its input topics, and their log ends: done when equal. */
export async function groupProgress(admin: Admin, groupId: string, topics: string[]): Promise<{ committed: number; end: number }> {
  let committed = 0;
  let end = 0;
  for (const topic of topics) {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    for (const p of offsets?.partitions ?? []) committed += Math.max(0, Number(p.offset));
    for (const p of await admin.fetchTopicOffsets(topic)) end += Number(p.high);
  }
  return { committed, end };
}

/**
 * Runs `events` against instances started with `args` (live, not `--once`), in order, each when
 * `progress()` reaches its `at`; then waits until `done()` and stops every instance that still
 * runs with SIGTERM (each must exit 0). The instance a kill, stop or freeze hits is the oldest
 * running one: the one most likely to hold tasks.
 */
export async function runGroup(
  args: string[],
  events: readonly ScaleEvent[],
  o: { progress: () => Promise<number>; done: () => Promise<boolean>; env?: NodeJS.ProcessEnv; run?: GroupRun },
): Promise<GroupRun> {
  const run: GroupRun = o.run ?? { events: [], processes: [] };
  const running = () => run.processes.filter((p) => p.running());
  for (const e of events) {
    await waitFor(`progress ${e.at}`, async () => (await o.progress()) >= e.at, running());
    const progress = await o.progress();
    if ('start' in e) {
      for (let i = 0; i < e.start; i++) run.processes.push(startComponent(args, o.env));
      run.events.push({ event: `start ${e.start}`, progress });
    } else {
      const target = running()[0];
      if (!target) throw new Error(`no instance running for ${JSON.stringify(e)}`);
      if ('kill' in e) await target.kill('SIGKILL');
      else if ('stop' in e) {
        const exit = await target.kill('SIGTERM');
        if (exit.code !== 0) throw new Error(`an instance stopped with SIGTERM exited ${exit.code ?? exit.signal}:\n${target.output().slice(-3000)}`);
      } else {
        target.child.kill('SIGSTOP');
        await sleep(e.freezeMs);
        target.child.kill('SIGCONT');
      }
      run.events.push({ event: 'kill' in e ? 'kill' : 'stop' in e ? 'stop' : `freeze ${e.freezeMs} ms`, progress });
    }
  }
  await waitFor('the group to finish', o.done, running());
  for (const p of running()) {
    const exit = await p.kill('SIGTERM');
    if (exit.code !== 0) throw new Error(`an instance exited ${exit.code ?? exit.signal} on SIGTERM:\n${p.output().slice(-3000)}`);
  }
  return run;
}
