// `up`'s signals, taken from the start of the command: the first SIGINT or SIGTERM asks for a
// clean stop (after the step in hand, if nothing runs yet), a second one is for at once.

import { ownSignals, releaseSignals } from '../../core/signals.ts';
export interface Signals {
  /** Resolves with the first signal. */
  first: Promise<NodeJS.Signals>;
  received(): boolean;
  /** What a second signal does before `up` exits with 130. */
  onSecond(handler: () => void): void;
  release(): void;
}

export function takeSignals(notice: (signal: NodeJS.Signals) => void): Signals {
  let resolve!: (s: NodeJS.Signals) => void;
  const first = new Promise<NodeJS.Signals>((r) => (resolve = r));
  let count = 0;
  let second = () => {};
  const on = (signal: NodeJS.Signals) => {
    if (++count === 1) {
      notice(signal);
      resolve(signal);
      return;
    }
    second();
    process.exit(130);
  };
  ownSignals(on);
  return {
    first,
    received: () => count > 0,
    onSecond: (handler) => (second = handler),
    release: () => releaseSignals(on),
  };
}
