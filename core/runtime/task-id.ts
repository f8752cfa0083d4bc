// A task is one partition of one stage: the unit of work and of state (Kafka Streams' TaskId).
// It owns partition `partition` of every input topic of its stage, its state's changelog
// partition of the same number, and its own transactional producer.

export interface TaskId {
  stage: string;
  partition: number;
}

export function taskName(t: TaskId): string {
  return `${t.stage}_${t.partition}`;
}

export function parseTaskName(name: string): TaskId {
  const at = name.lastIndexOf('_');
  return { stage: name.slice(0, at), partition: Number(name.slice(at + 1)) };
}

/**
 * The task's transactional id: the instance that takes the task initialises a producer under it,
 * which fences the instance that lost it (kafkajs has no KIP-447, so the consumer group's
 * generation cannot do that) and finishes the transaction it left.
 */
export function transactionalIdOf(groupId: string, t: TaskId): string {
  return `${groupId}-${taskName(t)}`;
}
