import type { Admin } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, onTestFailed } from 'vitest';
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
  // An instance told to leave is no target of later events while it shuts down; the next event
  // does not wait for it to be gone (it may take seconds, in which the others could finish the
  // work before the events after it land).
  const leaving = new Set<ComponentProcess>();
  const exits: Array<Promise<string | null>> = [];
  const running = () => run.processes.filter((p) => p.running() && !leaving.has(p));
  // A signal in the first tens of milliseconds of a process, before any of its code runs, meets
  // Node's default action: an instance is signalled (stopped, frozen, stopped at the end) only once
  // it has said something, as a fleet's members have.
  const loaded = (p: ComponentProcess) => waitFor('an instance to load', async () => !p.running() || p.output().length > 0);
  for (const e of events) {
    await waitFor(`progress ${e.at}`, async () => (await o.progress()) >= e.at, running());
    const progress = await o.progress();
    if ('start' in e) {
      for (let i = 0; i < e.start; i++) run.processes.push(startComponent(args, o.env));
      run.events.push({ event: `start ${e.start}`, progress });
    } else {
      const target = running()[0];
      if (!target) throw new Error(`no instance running for ${JSON.stringify(e)}`);
      if (!('kill' in e)) await loaded(target);
      if ('kill' in e) await target.kill('SIGKILL');
      else if ('stop' in e) {
        leaving.add(target);
        exits.push(target.kill('SIGTERM').then((exit) => (exit.code === 0 ? null : `an instance stopped with SIGTERM exited ${exit.code ?? exit.signal}:\n${target.output().slice(-3000)}`)));
      } else {
        target.child.kill('SIGSTOP');
        await sleep(e.freezeMs);
        target.child.kill('SIGCONT');
      }
      run.events.push({ event: 'kill' in e ? 'kill' : 'stop' in e ? 'stop' : `freeze ${e.freezeMs} ms`, progress });
    }
  }
  await waitFor('the group to finish', o.done, running());
  const failed = (await Promise.all(exits)).find((x) => x !== null);
  if (failed) throw new Error(failed);
  for (const p of running()) {
    await loaded(p);
    const exit = await p.kill('SIGTERM');
    if (exit.code !== 0) throw new Error(`an instance exited ${exit.code ?? exit.signal} on SIGTERM:\n${p.output().slice(-3000)}`);
  }
  return run;
}

/**
 * The fleet every component is tried with, at shares of its input `total`: two instances, a third
 * joins, the oldest is killed, one leaves, one joins again, and one is frozen past its session and
 * thawed (a zombie). The zombie comes last: the others may finish the work while it is frozen.
 */
export function fleetEvents(total: number, sessionMs: number): ScaleEvent[] {
  const at = (share: number) => total * share;
  return [
    { at: 0, start: 2 },
    { at: at(0.1), start: 1 },
    { at: at(0.2), kill: true },
    { at: at(0.3), stop: true },
    { at: at(0.4), start: 1 },
    { at: at(0.5), freezeMs: sessionMs + 4000 },
  ];
}

/**
 * runGroup for a test: on failure it prints each instance's last lines and kills them all; after
 * the run it checks that every event after the first start landed while work was left.
 */
export async function scaledRun(
  args: string[],
  events: readonly ScaleEvent[],
  o: { progress: () => Promise<number>; done: () => Promise<boolean>; total: number; env?: NodeJS.ProcessEnv },
): Promise<GroupRun> {
  const run: GroupRun = { events: [], processes: [] };
  onTestFailed(async () => {
    process.stderr.write(`progress ${await o.progress()} of ${o.total}\n${describeRun(run)}\n`);
    for (const p of run.processes) await p.kill('SIGKILL');
  });
  await runGroup(args, events, { ...o, run });
  for (const e of run.events.slice(1)) expect(e.progress, JSON.stringify(run.events)).toBeLessThan(o.total);
  return run;
}
