import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';
import { assignTasks } from './task-assignment.ts';
import { taskName, type TaskId } from './task-id.ts';

// The group's partition assigner (kafkajs' PartitionAssigner): partitions are handed out as
// tasks, so one member gets partition p of every input of a stage (co-partitioned inputs, as a
// join needs). Each member's subscription carries the tasks it runs, so they stay put.

export const ASSIGNER_NAME = 'OpsPipelineTasks';
const VERSION = 1;

export interface StageTopics {
  stage: string;
  /** The stage's input topics, by their names in Kafka: co-partitioned, one partition count. */
  topics: readonly string[];
}

function json(buffer: Buffer | null | undefined): Record<string, unknown> {
  try {
    return buffer?.length ? (JSON.parse(buffer.toString('utf8')) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The tasks an assignment names (its user data), e.g. for `status`. */
export function assignedTasks(memberAssignment: Buffer | null | undefined): string[] {
  if (!memberAssignment?.length) return [];
  const decoded = AssignerProtocol.MemberAssignment.decode(memberAssignment);
  const tasks = json(decoded?.userData).tasks;
  return Array.isArray(tasks) ? tasks.map(String) : [];
}

export function taskAssigner(stages: readonly StageTopics[], owned: () => readonly string[]): PartitionAssigner {
  return ({ cluster }) => ({
    name: ASSIGNER_NAME,
    version: VERSION,
    async assign({ members }) {
      // The fewest partitions of a stage's inputs: the runtime refuses to start when they
      // differ, so this only matters while a topic is being changed under a running group.
      const partitions = (s: StageTopics) => Math.min(...s.topics.map((t) => cluster.findTopicPartitionMetadata(t).length));
      const plan = assignTasks(
        stages.map((s) => ({ stage: s.stage, partitions: partitions(s) })),
        members.map((m) => {
          const claimed = json(AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.userData).owned;
          return { memberId: m.memberId, owned: Array.isArray(claimed) ? claimed.map(String) : [] };
        }),
      );
      return [...plan].map(([memberId, tasks]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: VERSION,
          assignment: topicPartitions(stages, tasks),
          userData: Buffer.from(JSON.stringify({ tasks: tasks.map(taskName) })),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: ASSIGNER_NAME,
        metadata: AssignerProtocol.MemberMetadata.encode({ version: VERSION, topics, userData: Buffer.from(JSON.stringify({ owned: owned() })) }),
      };
    },
  });
}

/** The topic-partitions of these tasks: partition p of every input of the task's stage. */
export function topicPartitions(stages: readonly StageTopics[], tasks: readonly TaskId[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const t of tasks) {
    for (const topic of stages.find((s) => s.stage === t.stage)!.topics) (out[topic] ??= []).push(t.partition);
  }
  return out;
}
