import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Consumer } from 'kafkajs';
import { createKafka } from '../kafka.ts';
import { logger } from '../log.ts';
import { logProgress } from '../progress-log.ts';
import { failedService } from '../retriable.ts';
import { givesUp, retryDelayMs } from '../retry-policy.ts';
import { stoppable, stopWhenIdle } from '../stoppable.ts';
import { outageReporter } from '../supervised.ts';
import type { Deployment, Running, RunOptions, SinkDefinition, SinkGroupSettings } from './component.ts';

// The runtime of a sink: one consumer group over its topics, partitions written concurrently.
// Each batch is handed to the sink's writer, which commits it to the outside system in its own
// transaction; the batch's offsets are committed only after that, so a crash at any point
// replays at most the batches in hand, which the sink's idempotent writes absorb. A write that
// fails for a reason a retry may help is written again after a backoff, heartbeating, until it
// lands or the sink stops; one that cannot (a recreated topic) stops the sink with the reason.

export async function startSink<C extends SinkGroupSettings, S>(
  def: SinkDefinition<C, S>,
  config: C,
  deployment: Deployment,
  o: RunOptions = {},
): Promise<Running<S>> {
  const log = logger(def.name);
  const groupId = `${deployment.prefix}${config.groupId}`;
  const topics = def.topics(config, deployment);
  const kafka = createKafka(deployment.connections.kafka, def.name);
  const consumer: Consumer = kafka.consumer({
    groupId,
    maxBytesPerPartition: config.maxBytesPerPartition,
    maxBytes: config.maxBytesPerPartition * 4,
    maxWaitTimeInMs: config.maxWaitTimeMs,
    sessionTimeout: config.sessionTimeoutMs,
    readUncommitted: false,
  });
  const instance = await def.open(config, deployment, kafka, groupId);
  const progress = logProgress(log, () => [instance.summary() as object, def.describe(instance.summary())]);
  const closeAll = async () => {
    progress.stop();
    await consumer.disconnect().catch(() => {});
    await instance.close();
  };
  /** With --once: the offsets each partition must reach, read before consuming starts. */
  const remaining = new Map<string, bigint>();
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: config.fromBeginning });
    if (o.once) {
      const admin = kafka.admin();
      await admin.connect();
      await onceTargets(admin).finally(() => admin.disconnect().catch(() => {}));
    }
  } catch (err) {
    // Open connections would keep the process alive after the error is reported.
    await closeAll();
    throw err;
  }

  async function onceTargets(admin: Admin): Promise<void> {
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      for (const p of ends) {
        const end = BigInt(p.high);
        const done = BigInt(committed?.partitions.find((c) => c.partition === p.partition)?.offset ?? '-1');
        const start = done >= 0n ? done : config.fromBeginning ? BigInt(p.low) : end;
        if (start < end) remaining.set(`${topic}:${p.partition}`, end);
      }
    }
  }

  let lastActivity = Date.now();
  // Busy is not idle: a batch in progress keeps the sink alive however long it takes.
  let inFlight = 0;
  // Set when the sink stops because it cannot go on: `done` then rejects with it.
  let failure: unknown;
  const life = stoppable(async () => {
    await closeAll();
    log.info(instance.summary() as object, `${def.name} stopped`);
    if (failure) throw failure;
    return instance.summary();
  });
  const stopWith = (err: unknown) => {
    failure = err;
    log.error({ err: (err as Error)?.message }, `${def.name} cannot go on; stopping`);
    void life.stop();
  };

  // A fetch holding only transaction markers (or aborted records) never reaches eachBatch;
  // kafkajs resolves it but, with autoCommit off, does not commit it, and the marker would
  // count as lag forever. This partition's earlier batches have all committed by now.
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    lastActivity = Date.now();
    const key = `${e.payload.topic}:${e.payload.partition}`;
    const end = remaining.get(key);
    if (end !== undefined && BigInt(e.payload.lastOffset) + 1n >= end) remaining.delete(key);
    if (e.payload.batchSize > 0) return;
    const offset = (BigInt(e.payload.lastOffset) + 1n).toString();
    consumer.commitOffsets([{ topic: e.payload.topic, partition: e.payload.partition, offset }]).catch((err: Error) => log.warn({ err: err.message, topic: e.payload.topic, partition: e.payload.partition }, 'could not commit past transaction markers; retried with the next batch'));
  });
  // Idle time counts from the moment the group is joined: joining is not idleness.
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
    lastActivity = Date.now();
  });
  if (o.once) {
    stopWhenIdle(life, () => {
      if (inFlight > 0 || (remaining.size > 0 && !(joined && Date.now() - lastActivity > config.idleExitMs))) return false;
      if (remaining.size) log.info({ partitions: [...remaining.keys()] }, 'idle: stopping before these partitions reached their end offsets (transaction markers or compaction)');
      return true;
    });
  }
  const outages = outageReporter(def.name, log);
  consumer.on(consumer.events.CRASH, (e) => {
    if (e.payload.restart) outages.failed(e.payload.error, 'Kafka consumer failed; kafkajs restarts it from the committed offsets');
    else stopWith(e.payload.error);
  });

  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: config.concurrency,
    eachBatch: async (payload) => {
      const { batch } = payload;
      inFlight++;
      try {
        // A failure that is not the data's (connection lost, server restarting, deadlock) commits
        // nothing: the batch is written again after a backoff; offsets stay where they are. A
        // heartbeat that fails (a rebalance) goes to kafkajs, which rejoins.
        for (let failures = 1; ; failures++) {
          try {
            await instance.write(batch, { groupId, heartbeat: payload.heartbeat });
            break;
          } catch (err) {
            if (life.stopping) return;
            if (givesUp(err, failures, o.once)) return stopWith(err);
            const delay = retryDelayMs(failures);
            const service = failedService(err, def.writesTo);
            outages.failed(err, `${service} write failed; the batch will be retried`, { service, fields: { topic: batch.topic, partition: batch.partition, failures, retryInMs: delay } });
            await sleep(delay);
            await payload.heartbeat();
          }
        }
        const next = (BigInt(batch.lastOffset()) + 1n).toString();
        await payload.commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }] });
        payload.resolveOffset(batch.lastOffset());
        await payload.heartbeat();
        outages.ok();
        lastActivity = Date.now();
      } catch (err) {
        // A heartbeat or commit that failed: kafkajs restarts the consumer (from the committed
        // offsets) only after an error marked retriable.
        if (err instanceof Error) Object.assign(err, { retriable: true });
        throw err;
      } finally {
        inFlight--;
      }
    },
  });
  log.info({ topics, groupId }, `${def.name} running`);
  return { done: life.done, stop: () => life.stop() };
}
