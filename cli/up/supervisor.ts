import { SupervisedChild, type ChildOptions } from './supervised-child.ts';
import type { ConsoleLine } from './console-line.ts';
import type { ChildPlan } from './plan.ts';
import type { AfterExit } from './restart-policy.ts';

// Every child of `up` at once, until a signal (Ctrl-C, SIGTERM) or a child that is given up;
// then all of them stop: SIGTERM to each, their exits awaited (bounded). A second signal
// kills them at once.

/** How long a child may take to stop after SIGTERM (its own shutdown steps are bounded). */
export const STOP_GRACE_MS = 30_000;

export type Outcome =
  | { kind: 'stopped'; signal: NodeJS.Signals; unclean: string[] }
  | { kind: 'failed'; child: SupervisedChild; verdict: Extract<AfterExit, { restart: false }>; unclean: string[] };

export interface SupervisorOptions extends Pick<ChildOptions, 'logsDir' | 'env' | 'loop'> {
  show(name: string, line: ConsoleLine): void;
  /** Resolves with the first SIGINT or SIGTERM (installed by the caller before anything started). */
  signalled: Promise<NodeJS.Signals>;
  onSecondSignal(handler: () => void): void;
  stopGraceMs?: number;
}

export async function superviseChildren(plans: readonly ChildPlan[], o: SupervisorOptions): Promise<Outcome> {
  let giveUp!: (e: { child: SupervisedChild; verdict: Extract<AfterExit, { restart: false }> }) => void;
  const givenUp = new Promise<{ child: SupervisedChild; verdict: Extract<AfterExit, { restart: false }> }>((resolve) => (giveUp = resolve));
  const children: SupervisedChild[] = plans.map(
    (plan) =>
      new SupervisedChild(plan, {
        logsDir: o.logsDir,
        env: o.env,
        loop: o.loop,
        show: (line) => o.show(plan.name, line),
        gaveUp: (verdict) => giveUp({ child: children.find((c) => c.plan === plan)!, verdict }),
      }),
  );
  // Whatever ends `up` (an exception included), no child outlives it.
  const killAll = () => children.forEach((c) => c.kill());
  process.once('exit', killAll);
  o.onSecondSignal(() => {
    o.show('up', { level: 'warn', text: 'second signal: killing every component (SIGKILL)' });
    killAll();
  });
  try {
    for (const c of children) c.start();
    const end = await Promise.race([o.signalled.then((signal) => ({ signal })), givenUp]);
    o.show('up', { level: 'info', text: `${'signal' in end ? end.signal : `${end.child.plan.name} given up`}: stopping every component` });
    const clean = await Promise.all(children.map((c) => c.stop(o.stopGraceMs ?? STOP_GRACE_MS)));
    const unclean = children.filter((c, i) => !clean[i] && !('child' in end && end.child === c)).map((c) => c.plan.name);
    return 'signal' in end ? { kind: 'stopped', signal: end.signal, unclean } : { kind: 'failed', ...end, unclean };
  } finally {
    process.off('exit', killAll);
    await Promise.all(children.map((c) => c.close()));
  }
}
