import { taskName, type TaskId } from './task-id.ts';

// Which member of the group runs which task: every task exactly once, each stage's tasks spread
// evenly over the members (so one instance does not get all of a heavy stage), and a task stays
// with the member that had it when that keeps the balance (so its state does not move). Pure and
// deterministic: the group leader computes it from the members' ids and what each said it owns.

export interface MemberTasks {
  memberId: string;
  /** The tasks the member ran before this rebalance (from its subscription's user data). */
  owned: readonly string[];
}

export function assignTasks(stages: ReadonlyArray<{ stage: string; partitions: number }>, members: readonly MemberTasks[]): Map<string, TaskId[]> {
  const ids = members.map((m) => m.memberId).sort();
  const out = new Map<string, TaskId[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  const ownerOf = new Map<string, string>();
  // A task two members claim (one was a zombie) goes to the first in id order.
  for (const id of ids) for (const t of members.find((m) => m.memberId === id)!.owned) if (!ownerOf.has(t)) ownerOf.set(t, id);
  let rotation = 0;
  for (const { stage, partitions } of stages) {
    const tasks = Array.from({ length: partitions }, (_, partition) => ({ stage, partition }));
    const base = Math.floor(tasks.length / ids.length);
    const extra = tasks.length % ids.length;
    // The members allowed one more task of this stage rotate from stage to stage.
    const capacity = new Map(ids.map((id, i) => [id, base + ((i - rotation + ids.length) % ids.length < extra ? 1 : 0)]));
    rotation = (rotation + extra) % ids.length;
    const taken = new Map<string, number>(ids.map((id) => [id, 0]));
    const left: TaskId[] = [];
    for (const t of tasks) {
      const owner = ownerOf.get(taskName(t));
      if (owner && taken.get(owner)! < capacity.get(owner)!) {
        out.get(owner)!.push(t);
        taken.set(owner, taken.get(owner)! + 1);
      } else left.push(t);
    }
    for (const t of left) {
      const id = ids.find((m) => taken.get(m)! < capacity.get(m)!)!;
      out.get(id)!.push(t);
      taken.set(id, taken.get(id)! + 1);
    }
  }
  return out;
}
