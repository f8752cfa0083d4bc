import { counter, gauge, histogram } from '../metrics.ts';

// Every task's metrics carry its component and its task name (stage_partition), so a dashboard
// shows which instance does what, and how far each task is behind.

const recordsIn = counter('task_records_in_total', 'Records a task read', ['component', 'task']);
const recordsOut = counter('task_records_out_total', 'Records a task wrote in committed transactions (outputs, changelog, markers)', ['component', 'task', 'topic']);
const commitSeconds = histogram('task_commit_seconds', 'Time to send a task transaction and commit it', ['component', 'task'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
const restoreSeconds = histogram('task_start_seconds', 'Time to start a task: fence, restore its state, read its offsets', ['component', 'task'], [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60]);
const lag = gauge('task_lag_records', 'Log end minus committed offset of a task input partition', ['component', 'task', 'topic']);

export function taskMetrics(component: string, task: string) {
  const base = { component, task };
  const lagTopics = new Set<string>();
  return {
    recordsIn: { inc: (n: number) => recordsIn.inc(base, n) },
    recordsOut: { inc: (l: { topic: string }, n: number) => recordsOut.inc({ ...base, ...l }, n) },
    commitSeconds: { observe: (s: number) => commitSeconds.observe(base, s) },
    restoreSeconds: { observe: (s: number) => restoreSeconds.observe(base, s) },
    lag: {
      set: (l: { topic: string }, n: number) => {
        lagTopics.add(l.topic);
        lag.set({ ...base, ...l }, n);
      },
    },
    /** A task that moved away leaves no stale lag behind. */
    remove: () => {
      for (const topic of lagTopics) lag.remove({ ...base, topic });
    },
  };
}
