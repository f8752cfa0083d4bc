import type { Signal } from '../../../schemas/records.ts';

// The signals one replay has and the other has not, by signal_id. The id hashes the ticker,
// the action, the bar and the news that made the signal, so a signal whose news changed is one
// removed and one added, even at the same bar.

export interface SignalChanges {
  /** In the candidate's replay only, in time order. */
  added: Signal[];
  /** In the live replay only, in time order. */
  removed: Signal[];
  /** In both. */
  kept: number;
}

const inTimeOrder = (a: Signal, b: Signal) => a.ts - b.ts || (a.signal_id < b.signal_id ? -1 : a.signal_id > b.signal_id ? 1 : 0);

export function compareSignals(live: readonly Signal[], candidate: readonly Signal[]): SignalChanges {
  const liveIds = new Set(live.map((s) => s.signal_id));
  const candidateIds = new Set(candidate.map((s) => s.signal_id));
  return {
    added: candidate.filter((s) => !liveIds.has(s.signal_id)).sort(inTimeOrder),
    removed: live.filter((s) => !candidateIds.has(s.signal_id)).sort(inTimeOrder),
    kept: [...liveIds].filter((id) => candidateIds.has(id)).length,
  };
}
