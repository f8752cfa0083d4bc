import type { Consumer } from 'kafkajs';
import { AvroCodec } from '../avro-codec.ts';
import { bounded } from '../bounded.ts';
import { createKafka, noKafkajsRestart } from '../kafka.ts';
import { logger } from '../log.ts';
import { counter, gauge } from '../metrics.ts';
import { logProgress } from '../progress-log.ts';
import { createRegistry } from '../registry.ts';
import { stoppable, stopWhenIdle } from '../stoppable.ts';
import { sessionState, supervise, type Session } from '../supervised.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Deployment, ProcessorDefinition, Running, RunOptions, RuntimeCounts, StageContext } from './component.ts';
import { TaskFencedError } from './fenced.ts';
import { DEFAULT_MAX_BUFFERED_PER_PARTITION, type GroupSettings } from './processor-fields.ts';
import { Task } from './task.ts';
import { assignedTasks, taskAssigner, topicPartitions } from './task-assigner.ts';
import { taskName, type TaskId } from './task-id.ts';
import { Topology } from './topology.ts';

// The runtime of every processor (Kafka Streams' StreamThread and TaskManager): one consumer
// in the component's group, whose assignment is a set of tasks (task-assigner.ts); each task
// fenced, restored and started when it arrives (task.ts), closed when it leaves, started again
// when the instance was out of the group meanwhile. Kafka or the registry failing under it ends
// the session, which is replaced after a backoff (core/supervised.ts), exactly as a restart of
// the process would: tasks are started again from what was committed.

const tasksRunning = gauge('tasks_running', 'Tasks this instance runs', ['component']);
const joinPaused = gauge('join_paused_partitions', 'Input partitions paused now: their records wait in an event-time join beyond maxBufferedPerPartition', ['component']);
const joinPauses = counter('join_partition_pauses_total', 'Times an input partition was paused by an event-time join\'s flow control', ['component']);

const TICK_MS = 500;

export async function startProcessor<C extends GroupSettings, S, R>(
  def: ProcessorDefinition<C, S, R>,
  config: C,
  deployment: Deployment,
  o: RunOptions & { options?: Record<string, unknown> } = {},
): Promise<Running<S & RuntimeCounts>> {
  const log = logger(def.name);
  const groupId = `${deployment.prefix}${config.groupId}`;
  const kafka = createKafka(deployment.connections.kafka, def.name);
  const registry = createRegistry(deployment.connections.registry);
  const codec = new AvroCodec(registry);
  const encoder = new RecordEncoder(registry, deployment.prefix);
  const instance = await def.open(config, deployment, o.options ?? {});
  const context = { config, deployment, resources: instance.resources } as StageContext;
  let topology: Topology | undefined;
  const counts: RuntimeCounts = { dlq: 0 };
  let current: { idle(): boolean } | undefined;

  async function openSession(): Promise<Session> {
    const { broken, healthy, fail, markHealthy } = sessionState();
    const admin = kafka.admin();
    const tasks = new Map<string, Task>();
    /** Tasks whose start is done: their partitions are resumed and their batches processed. */
    const ready = new Set<string>();
    let consumer: Consumer | undefined;
    let tick: NodeJS.Timeout | undefined;
    let lastActivity = Date.now();
    let joined = false;
    // Set once the session closes: a rebalance while the consumer leaves (another member of the
    // group stopping at the same moment, as stream threads do) starts no task any more.
    let closing = false;
    // Tasks first: a consumer disconnect waits for the batch in hand, which waits on its task.
    const close = async () => {
      closing = true;
      clearInterval(tick);
      await Promise.all([...tasks.values()].map((t) => t.close()));
      tasks.clear();
      ready.clear();
      tasksRunning.set({ component: def.name }, 0);
      if (consumer) await bounded(consumer.disconnect(), 10_000, 'leaving the consumer group', log);
      await bounded(admin.disconnect(), 5000, 'the admin client disconnect', log);
    };
    try {
      await admin.connect();
      if (!topology) {
        const resolved = await Topology.resolve(admin, def as never, groupId, deployment.prefix);
        await resolved.ensureInternalTopics(admin, registry);
        topology = resolved;
      }
      const t = topology;
      const c = kafka.consumer({
        groupId,
        partitionAssigners: [taskAssigner(t.stageTopics(), () => [...tasks.keys()])],
        readUncommitted: false,
        // kafkajs sleeps this long when every assigned partition is paused, as new tasks are
        // until started: a start or a rebalance waits for it before the first fetch.
        maxWaitTimeInMs: 100,
        sessionTimeout: config.sessionTimeoutMs,
        // A member learns of a rebalance (another joining, as stream threads do together) at its
        // next heartbeat: kafkajs' 3 s default would hold every task of the group that long.
        heartbeatInterval: 500,
        maxBytesPerPartition: config.maxBytesPerPartition,
        maxBytes: config.maxBytesPerFetch,
        ...noKafkajsRestart,
      });
      consumer = c;
      const partitionsOf = (id: TaskId) => Object.entries(topicPartitions(t.stageTopics(), [id])).map(([topic, partitions]) => ({ topic, partitions }));
      const taskOf = (topic: string, partition: number) => {
        const stage = t.stageOfTopic(topic);
        return stage ? tasks.get(taskName({ stage: stage.name, partition })) : undefined;
      };

      const startTask = async (id: TaskId) => {
        if (closing) return;
        const task = new Task({ kafka, admin, codec, encoder, topology: t, stage: t.stages.find((s) => s.name === id.stage)!, context, id, groupId, component: def.name, log, counts });
        tasks.set(task.name, task);
        tasksRunning.set({ component: def.name }, tasks.size);
        const from = await task.start();
        if (!task.running) return;
        for (const [topic, offset] of from) c.seek({ topic, partition: id.partition, offset: offset.toString() });
        ready.add(task.name);
        release(id);
        c.resume(partitionsOf(id));
      };
      // Input partitions paused by a join's flow control (Task.flow), `topic:partition`.
      const held = new Set<string>();
      const flow = (task: Task) => {
        if (!ready.has(task.name)) return;
        const { pause, resume } = task.flow(config.maxBufferedPerPartition ?? DEFAULT_MAX_BUFFERED_PER_PARTITION);
        const p = task.id.partition;
        for (const topic of pause) {
          if (held.has(`${topic}:${p}`)) continue;
          held.add(`${topic}:${p}`);
          c.pause([{ topic, partitions: [p] }]);
          joinPauses.inc({ component: def.name });
        }
        for (const topic of resume) if (held.delete(`${topic}:${p}`)) c.resume([{ topic, partitions: [p] }]);
        joinPaused.set({ component: def.name }, held.size);
      };
      const release = (id: TaskId) => {
        for (const { topic } of partitionsOf(id)) held.delete(`${topic}:${id.partition}`);
        joinPaused.set({ component: def.name }, held.size);
      };
      const stopTask = async (name: string) => {
        ready.delete(name);
        await tasks.get(name)?.close();
        tasks.delete(name);
        tasksRunning.set({ component: def.name }, tasks.size);
      };

      // A fenced task: another instance has it now, or its transaction timed out. If the group
      // still says it is ours, it is started again here; else the coming rebalance moves it.
      const onFenced = async (task: Task) => {
        c.pause(partitionsOf(task.id));
        await stopTask(task.name);
        const { groups } = await admin.describeGroups([groupId]);
        const me = groups[0]?.members.find((m) => m.memberId === memberId);
        const ours = me ? assignedTasks(me.memberAssignment).includes(task.name) : false;
        log.warn({ task: task.name, restarting: ours }, ours ? 'task fenced while still ours (its transaction timed out); starting it again' : 'task fenced: another instance has it now');
        if (ours) await startTask(task.id);
      };
      const guard = async (task: Task, work: () => Promise<void>) => {
        try {
          await work();
        } catch (err) {
          if (err instanceof TaskFencedError) return onFenced(task).catch(fail);
          fail(err);
          throw err;
        }
      };

      // The assignment: tasks kept read on from where they are (kafkajs would go back to the
      // committed offsets, before what a join holds unreleased); new ones are paused until
      // started. A new member id means the instance was out of the group: every task it had
      // may have run elsewhere since, so all start over.
      let memberId: string | undefined;
      let reconciling: Promise<void> = Promise.resolve();
      c.on(c.events.GROUP_JOIN, (e) => {
        if (closing) return;
        const assigned = new Map<string, TaskId>();
        for (const [topic, partitions] of Object.entries(e.payload.memberAssignment)) {
          const stage = t.stageOfTopic(topic);
          if (stage) for (const p of partitions) assigned.set(taskName({ stage: stage.name, partition: p }), { stage: stage.name, partition: p });
        }
        const lost = memberId !== undefined && e.payload.memberId !== memberId;
        memberId = e.payload.memberId;
        joined = true;
        lastActivity = Date.now();
        for (const [name, id] of assigned) {
          const kept = tasks.get(name);
          if (kept && ready.has(name) && !lost) for (const [topic, offset] of kept.positions()) c.seek({ topic, partition: id.partition, offset: offset.toString() });
          else c.pause(partitionsOf(id));
        }
        reconciling = reconciling
          .then(async () => {
            for (const name of [...tasks.keys()]) if (lost || !assigned.has(name) || !ready.has(name)) await stopTask(name);
            await Promise.all([...assigned].filter(([name]) => !tasks.has(name)).map(([, id]) => startTask(id)));
            log.info({ memberId, tasks: [...assigned.keys()].sort() }, lost ? 'rejoined the group: every task started again' : 'tasks assigned');
          })
          .catch(fail);
      });
      // A fetch of only transaction markers reaches no handler, but moves the position.
      c.on(c.events.END_BATCH_PROCESS, (e) => {
        if (e.payload.batchSize > 0) return;
        taskOf(e.payload.topic, e.payload.partition)?.advance(e.payload.topic, e.payload.lastOffset, e.payload.highWatermark);
      });
      // kafkajs would restart a crashed consumer into this session's tasks, which may hold
      // records of transactions that did not commit.
      c.on(c.events.CRASH, (e) => fail(e.payload.error));

      await c.connect();
      await c.subscribe({ topics: [...new Set(t.stageTopics().flatMap((s) => s.topics))], fromBeginning: true });
      await c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: config.concurrency ?? 1,
        eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
          const task = taskOf(batch.topic, batch.partition);
          if (!task || !ready.has(task.name)) return;
          await guard(task, () => task.handle(batch, heartbeat));
          if (!ready.has(task.name)) return;
          flow(task);
          resolveOffset(batch.lastOffset());
          await heartbeat();
          markHealthy();
          lastActivity = Date.now();
        },
      });
      tick = setInterval(() => {
        for (const task of tasks.values()) if (ready.has(task.name)) void guard(task, () => task.tick()).then(() => flow(task), () => {});
      }, TICK_MS);
      current = {
        idle: () => joined && [...tasks.values()].every((task) => ready.has(task.name) && task.idle()) && Date.now() - lastActivity > config.idleExitMs,
      };
    } catch (err) {
      await close();
      throw err;
    }
    log.info({ groupId, stages: def.stages.map((s) => s.name) }, `${def.name} running`);
    return {
      broken,
      healthy,
      async close() {
        current = undefined;
        await close();
      },
    };
  }

  const sessions = supervise(def.name, log, openSession, { once: o.once });
  const progress = logProgress(log, () => {
    const summary = { ...instance.summary(), ...counts };
    return [summary, def.describe(summary)];
  });
  let failure: unknown;
  const life = stoppable(async () => {
    progress.stop();
    await sessions.stop();
    await instance.close?.();
    const summary = { ...instance.summary(), ...counts };
    log.info(summary as object, `${def.name} stopped`);
    if (failure) throw failure;
    return summary;
  });
  sessions.done.catch((err) => {
    failure = err;
    void life.stop();
  });
  if (o.once) stopWhenIdle(life, () => current?.idle() ?? false);
  return { done: life.done, stop: () => life.stop() };
}

