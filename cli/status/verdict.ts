// A consumer group's health from two samples of its offsets, in the spirit of Burrow's rules:
// no lag is ok; lag with commits moving and lag not growing is ok; commits moving but lag
// growing is lagging; lag with commits standing still is stalled.

export type Verdict = 'ok' | 'lagging' | 'stalled';

export interface PartitionSample {
  committedBefore: bigint;
  committedAfter: bigint;
  lagBefore: bigint;
  lagAfter: bigint;
}

export function partitionVerdict(p: PartitionSample): Verdict {
  if (p.lagAfter === 0n) return 'ok';
  const moving = p.committedAfter > p.committedBefore;
  if (!moving) return 'stalled';
  return p.lagAfter > p.lagBefore ? 'lagging' : 'ok';
}

/** The worst partition decides the group. */
export function groupVerdict(partitions: readonly PartitionSample[]): Verdict {
  const order: Verdict[] = ['ok', 'lagging', 'stalled'];
  return partitions.map(partitionVerdict).reduce<Verdict>((worst, v) => (order.indexOf(v) > order.indexOf(worst) ? v : worst), 'ok');
}
