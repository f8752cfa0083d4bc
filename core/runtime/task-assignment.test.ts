import { describe, expect, it } from 'vitest';
import { assignTasks } from './task-assignment.ts';
import { taskName } from './task-id.ts';

const STAGES = [
  { stage: 'by-ticker', partitions: 3 },
  { stage: 'engine', partitions: 6 },
];
const names = (plan: Map<string, Array<{ stage: string; partition: number }>>) => Object.fromEntries([...plan].map(([m, ts]) => [m, ts.map(taskName).sort()]));
const all = (plan: Map<string, unknown[]>) => [...plan.values()].flat().length;

describe('assignTasks', () => {
  it.each([1, 2, 3, 4, 7])('assigns every task once, each stage spread evenly, over %i members', (n) => {
    const members = Array.from({ length: n }, (_, i) => ({ memberId: `m${i}`, owned: [] }));
    const plan = assignTasks(STAGES, members);
    expect(all(plan)).toBe(9);
    expect(new Set([...plan.values()].flat().map(taskName)).size).toBe(9);
    for (const { stage, partitions } of STAGES) {
      const counts = [...plan.values()].map((ts) => ts.filter((t) => t.stage === stage).length);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(partitions);
    }
  });

  it('keeps tasks with their owners when a member joins, moving only what balance needs', () => {
    const before = assignTasks(STAGES, [{ memberId: 'a', owned: [] }]);
    const owned = [...before.get('a')!].map(taskName);
    const after = assignTasks(STAGES, [
      { memberId: 'a', owned },
      { memberId: 'b', owned: [] },
    ]);
    const kept = after.get('a')!.map(taskName);
    expect(kept.every((t) => owned.includes(t))).toBe(true);
    expect(kept.length + after.get('b')!.length).toBe(9);
    expect(after.get('b')!.length).toBeGreaterThanOrEqual(4);
  });

  it('gives a task two members claim (one of them a zombie) to one of them only', () => {
    const plan = assignTasks([{ stage: 's', partitions: 2 }], [
      { memberId: 'b', owned: ['s_0'] },
      { memberId: 'a', owned: ['s_0'] },
    ]);
    expect(names(plan)).toEqual({ a: ['s_0'], b: ['s_1'] });
  });

  it('is deterministic: the same members in another order get the same plan', () => {
    const m = [
      { memberId: 'x', owned: ['engine_1', 'engine_2'] },
      { memberId: 'y', owned: ['by-ticker_0'] },
      { memberId: 'z', owned: [] },
    ];
    expect(names(assignTasks(STAGES, [...m].reverse()))).toEqual(names(assignTasks(STAGES, m)));
  });

  it('gives members beyond the task count nothing', () => {
    const plan = assignTasks([{ stage: 's', partitions: 1 }], [{ memberId: 'a', owned: [] }, { memberId: 'b', owned: [] }]);
    expect(names(plan)).toEqual({ a: ['s_0'], b: [] });
  });
});
