// Who acts on SIGINT and SIGTERM changes as the CLI loads, a command starts and a component runs.
// Each hand-over adds the new listener before it removes the old one: the moment a signal has no
// listener, Node restores its default action (death by the signal, exit 143) and drops a signal
// that arrived but was not dispatched yet (one sent while the CLI's modules were evaluated), so a
// supervisor's SIGTERM would kill the process or be lost.

type SignalListener = (signal: NodeJS.Signals) => void;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** The default action, as if nobody listened: for commands that have nothing to stop cleanly. */
function dieOfSignal(signal: NodeJS.Signals): void {
  for (const s of SIGNALS) process.off(s, dieOfSignal);
  process.kill(process.pid, signal);
}

let owner: SignalListener = dieOfSignal;

function handOver(from: SignalListener | undefined, to: SignalListener): void {
  for (const s of SIGNALS) if (!process.listeners(s).includes(to)) process.on(s, to);
  if (from && from !== to) for (const s of SIGNALS) process.off(s, from);
}

/** Takes the signals from bin/ops-pipeline.js, which held them while the CLI loaded. */
export function takeSignalsFromLoader(): void {
  handOver(undefined, owner);
  for (const s of SIGNALS) for (const l of process.listeners(s)) if (l.name === 'stopBeforeLoad') process.off(s, l as SignalListener);
}

/** Makes `listener` the one that acts on SIGINT and SIGTERM, in place of the current owner. */
export function ownSignals(listener: SignalListener): void {
  handOver(owner, listener);
  owner = listener;
}

/** Gives the signals back to their default action, if `listener` still owns them. */
export function releaseSignals(listener: SignalListener): void {
  if (owner !== listener) return;
  handOver(listener, dieOfSignal);
  owner = dieOfSignal;
}
