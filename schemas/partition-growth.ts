import type { TopicPlan } from './apply.ts';

// A topic has other than the planned partition count. Kafka only adds partitions, and adding
// them moves keys: safe only where no reader keeps state per key (the catalog's `growth`).

/** What to do about a topic with `from` partitions whose plan wants `to`. */
export function partitionAdvice(plan: TopicPlan, from: number, addPartitions: boolean): { grow: boolean; advice: string } {
  if (from > plan.partitions) return { grow: false, advice: `Kafka cannot remove partitions: keep ${from} (set topics.partitions to ${from}), or replay into topics created with ${plan.partitions} (a new --topic-prefix)` };
  if (!plan.growth.safe) return { grow: false, advice: `not grown: ${plan.growth.why}` };
  if (!addPartitions) return { grow: false, advice: `can grow: ${plan.growth.why}; run topics apply --add-partitions` };
  return { grow: true, advice: plan.growth.why };
}

