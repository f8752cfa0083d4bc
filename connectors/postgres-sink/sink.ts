import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, EachBatchPayload, Producer } from 'kafkajs';
import { AvroCodec } from '../../core/avro-codec.ts';
import type { ConnectionsConfig } from '../../core/config.ts';
import { reportDlq, sendToDlq, type PoisonRecord } from '../../core/dlq.ts';
import { BadRecordError, OpsPipelineError } from '../../core/errors.ts';
import { stoppable, stopWhenIdle } from '../../core/stoppable.ts';
import { createKafka } from '../../core/kafka.ts';
import { logger } from '../../core/log.ts';
import { counter, gauge, histogram, reportServiceAttempt } from '../../core/metrics.ts';
import { logProgress } from '../../core/progress-log.ts';
import { createRegistry } from '../../core/registry.ts';
import { ONCE_ATTEMPTS, outageReporter } from '../../core/supervised.ts';
import { recordName, topicName, type TopicId } from '../../schemas/catalog.ts';
import type { TopicRecords } from '../../schemas/records.ts';
import type { SinkConfig } from './config.ts';
import { lastPerKey } from './last-per-key.ts';
import { mappingFor, rowProblem } from './mappings.ts';
import type { BatchOutcome } from './batch-writer.ts';
import { refuseRecreatedTopics } from './partition-fence.ts';
import { WriterPool } from './writer-pool.ts';
import { retryDelayMs } from '../../core/retry-policy.ts';

// The PostgreSQL sink: one consumer group over all topics. Each fetched partition batch
// is decoded, checked, reduced to the last record per key, and written in one database
// transaction; its offsets are committed only after that transaction commits. A crash at
// any point replays at most the uncommitted batch, which the upserts absorb.

const log = logger('sink');
const recordsIn = counter('sink_records_in_total', 'Records the sink read', ['topic']);
const rowsUpserted = counter('sink_rows_upserted_total', 'Rows upserted into PostgreSQL', ['table']);
const batchSeconds = histogram('sink_batch_seconds', 'Time to write one micro-batch, decode to commit', ['table']);
const lagRecords = gauge('sink_consumer_lag_records', 'High watermark minus committed offset after the last batch', ['topic', 'partition']);

interface Decoded<K extends TopicId> {
  record: TopicRecords[K];
  message: EachBatchPayload['batch']['messages'][number];
}

export interface SinkOptions {
  connections: ConnectionsConfig;
  config: SinkConfig;
  prefix: string;
  /** The deployment's bar interval (topics.candleInterval): bars of another go to the DLQ. */
  candleInterval: string;
  /** Drain until caught up, then stop. */
  once?: boolean;
}

export interface SinkHandle {
  /** Resolves when the sink stopped (after `stop()`, or when caught up with `once`). */
  done: Promise<SinkSummary>;
  stop(): Promise<void>;
}

export interface SinkSummary {
  records: number;
  rows: number;
  dlq: number;
}

/** The line `run sink` prints at the end, and logs as it goes. */
export function describeSink(s: SinkSummary): string {
  return `sink: ${s.records} records read, ${s.rows} rows upserted, ${s.dlq} to DLQ`;
}

function sortedByKey<T>(items: T[], keyOf: (item: T) => string): T[] {
  return items.map((item) => ({ item, key: keyOf(item) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((x) => x.item);
}

export async function startSink(opts: SinkOptions): Promise<SinkHandle> {
  const { connections, config, prefix } = opts;
  // The group follows the topic prefix, as every consumer group and transactional id does.
  const groupId = `${prefix}${config.groupId}`;
  const idByTopic = new Map<string, TopicId>(config.topics.map((id) => [topicName(id as TopicId, prefix), id as TopicId]));
  const kafka = createKafka(connections.kafka, 'sink');
  const codec = new AvroCodec(createRegistry(connections.registry));
  const writers = await WriterPool.open(connections.database.url, config.concurrency);
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer: Consumer = kafka.consumer({
    groupId,
    maxBytesPerPartition: config.maxBytesPerPartition,
    maxBytes: config.maxBytesPerPartition * 4,
    maxWaitTimeInMs: config.maxWaitTimeMs,
    sessionTimeout: config.sessionTimeoutMs,
    readUncommitted: false,
  });
  const admin = kafka.admin();
  const summary: SinkSummary = { records: 0, rows: 0, dlq: 0 };
  const remaining = new Map<string, bigint>();
  const progress = logProgress(log, () => [summary, describeSink(summary)]);
  const closeAll = async () => {
    progress.stop();
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    await writers.close();
  };
  /** The partition's log end, asked of the broker now (see partition-fence.ts). */
  async function logEnd(topic: string, partition: number): Promise<bigint> {
    const p = (await admin.fetchTopicOffsets(topic)).find((o) => o.partition === partition);
    return BigInt(p?.high ?? '0');
  }
  try {
    await admin.connect();
    await writers.query((client) => refuseRecreatedTopics(client, groupId, [...idByTopic.keys()], logEnd));
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [...idByTopic.keys()], fromBeginning: config.fromBeginning });
    if (opts.once) await readOnceTargets();
  } catch (err) {
    // Open connections would keep the process alive after the error is reported.
    await closeAll();
    throw err;
  }

  // --once: the offsets each partition must reach, read before consuming starts.
  async function readOnceTargets(): Promise<void> {
    const admin = kafka.admin();
    try {
      await admin.connect();
      for (const topic of idByTopic.keys()) {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        for (const p of ends) {
          const end = BigInt(p.high);
          const low = BigInt(p.low);
          const done = BigInt(committed?.partitions.find((c) => c.partition === p.partition)?.offset ?? '-1');
          const start = done >= 0n ? done : config.fromBeginning ? low : end;
          if (start < end) remaining.set(`${topic}:${p.partition}`, end);
        }
      }
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }
  let lastActivity = Date.now();
  // Busy is not idle: a batch in progress keeps the sink alive however long it takes.
  let inFlight = 0;
  // With --once, a stop while the last attempt failed is a failure, not "caught up".
  let lastFailure: Error | undefined;
  // Set when the sink stops because it cannot go on: `done` then rejects with it.
  let failure: unknown;
  const life = stoppable(async () => {
    await closeAll();
    log.info(summary, 'sink stopped');
    if (failure) throw failure;
    return summary;
  });

  /**
   * A failure that is not the data's (connection lost, server restarting, deadlock) commits
   * nothing: the same batch is written again after a backoff, heartbeating meanwhile, until it
   * lands or the sink stops; offsets stay where they are. With --once it gives up after a few
   * attempts so the command exits non-zero instead of waiting forever.
   */
  async function writeWithRetry<T>(table: string, write: () => Promise<T>, payload: EachBatchPayload): Promise<T> {
    for (let failures = 1; ; failures++) {
      try {
        const result = await write();
        reportServiceAttempt('sink', 'postgres', true);
        return result;
      } catch (err) {
        if (err instanceof OpsPipelineError && !err.retriable) throw err;
        reportServiceAttempt('sink', 'postgres', false);
        const giveUp = life.stopping || (opts.once && failures >= ONCE_ATTEMPTS);
        const delay = retryDelayMs(failures);
        log.warn({ err: (err as Error).message, table, failures, retryInMs: giveUp ? undefined : delay }, 'database write failed; the batch will be retried');
        if (giveUp) throw err;
        await sleep(delay);
        await payload.heartbeat();
      }
    }
  }

  async function handleBatch<K extends TopicId>(id: K, payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const mapping = mappingFor(id);
    const expected = recordName(id);
    const started = process.hrtime.bigint();
    const poison: PoisonRecord[] = [];
    const good: Array<Decoded<K>> = [];
    const toPoison = (message: Decoded<K>['message'], error: Error): PoisonRecord => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: message.offset,
      timestamp: message.timestamp,
      key: message.key,
      value: message.value,
      // Its own headers go with it, so that `dlq replay` sends it back as it came.
      headers: message.headers,
      error,
      stage: 'sink',
    });
    for (const message of batch.messages) {
      try {
        const record = codec.decodeIfKnown<TopicRecords[K]>(message.value, expected) ?? (await codec.decode<TopicRecords[K]>(message.value, expected));
        const problem = rowProblem(mapping, record, opts);
        if (problem) throw new BadRecordError(problem);
        good.push({ record, message });
      } catch (err) {
        if (!(err instanceof BadRecordError)) throw err;
        poison.push(toPoison(message, err));
      }
    }
    // Keys in a stable order: concurrent transactions then take row locks in the same order.
    const rows = sortedByKey(lastPerKey(good, (d) => mapping.key(d.record)), (d) => mapping.key(d.record));
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    const position = { groupId, topic: batch.topic, partition: batch.partition, nextOffset: BigInt(next), logEnd: () => logEnd(batch.topic, batch.partition) };
    let reported: PoisonRecord[] = [];
    // Poison before the fence was reported by whoever wrote those offsets; the rest goes to
    // the DLQ before the database commit, so a crash in between sends it again, never drops it.
    const reportPoison = async (outcome: BatchOutcome<Decoded<K>>) => {
      reported = [...poison, ...outcome.rejected.map((r) => toPoison(r.item.message, r.error))].filter((p) => BigInt(p.offset) >= outcome.writtenBefore);
      await sendToDlq(producer, reported);
    };
    const outcome = await writeWithRetry(
      mapping.table,
      () => writers.use((writer) => writer.writeBatch(mapping, rows, { recordOf: (d) => d.record, offsetOf: (d) => BigInt(d.message.offset), position }, reportPoison)),
      payload,
    );

    await payload.commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }] });
    payload.resolveOffset(batch.lastOffset());
    await payload.heartbeat();

    const { written } = outcome;
    summary.records += batch.messages.length;
    summary.rows += written;
    summary.dlq += reported.length;
    recordsIn.inc({ topic: batch.topic }, batch.messages.length);
    rowsUpserted.inc({ table: mapping.table }, written);
    batchSeconds.observe({ table: mapping.table }, Number(process.hrtime.bigint() - started) / 1e9);
    lagRecords.set({ topic: batch.topic, partition: String(batch.partition) }, Number(BigInt(batch.highWatermark) - BigInt(next)));
    reportDlq(log, reported);
  }

  function markProgress(topic: string, partition: number, lastOffset: string): void {
    lastActivity = Date.now();
    const key = `${topic}:${partition}`;
    const end = remaining.get(key);
    if (end !== undefined && BigInt(lastOffset) + 1n >= end) remaining.delete(key);
  }

  // A fetch holding only transaction markers (or aborted records) never reaches eachBatch;
  // kafkajs resolves it but, with autoCommit off, does not commit it, and the marker would
  // count as lag forever. This partition's earlier batches have all committed by now.
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    if (e.payload.batchSize > 0) return;
    const offset = (BigInt(e.payload.lastOffset) + 1n).toString();
    consumer.commitOffsets([{ topic: e.payload.topic, partition: e.payload.partition, offset }]).catch((err: Error) => log.warn({ err: err.message, topic: e.payload.topic, partition: e.payload.partition }, 'could not commit past transaction markers; retried with the next batch'));
  });

  if (opts.once) {
    // Batches of only transaction markers are resolved by kafkajs itself; count them too.
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => markProgress(e.payload.topic, e.payload.partition, e.payload.lastOffset));
    // Idle time counts from the moment the group is joined: joining is not idleness.
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
      lastActivity = Date.now();
    });
    stopWhenIdle(life, () => {
      if (inFlight > 0 || (remaining.size > 0 && !(joined && Date.now() - lastActivity > config.idleExitMs))) return false;
      if (remaining.size) log.info({ partitions: [...remaining.keys()] }, 'idle: stopping before these partitions reached their end offsets (transaction markers or compaction)');
      failure = lastFailure;
      return true;
    });
  }

  const outages = outageReporter('sink', log);
  consumer.on(consumer.events.CRASH, (e) => {
    if (e.payload.restart) outages.failed(e.payload.error, 'Kafka consumer failed; kafkajs restarts it from the committed offsets');
    else {
      log.error({ err: e.payload.error?.message }, 'sink consumer crashed and will not restart');
      failure = e.payload.error;
      void life.stop();
    }
  });

  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: config.concurrency,
    eachBatch: async (payload) => {
      const id = idByTopic.get(payload.batch.topic);
      if (!id) return;
      inFlight++;
      try {
        await handleBatch(id, payload);
        outages.ok();
        lastActivity = Date.now();
        lastFailure = undefined;
      } catch (err) {
        lastFailure = err as Error;
        if (err instanceof OpsPipelineError && !err.retriable && !(err instanceof BadRecordError)) {
          // Retrying cannot help (a recreated topic): stop with the reason instead of looping.
          log.error({ err: err.message }, 'sink stopped');
          failure = err;
          void life.stop();
          return;
        }
        // kafkajs restarts the consumer (from the committed offsets) only after a retriable
        // error; the registry client's are not marked so, and an outage must not end the sink.
        if (err instanceof Error && !(err instanceof BadRecordError)) Object.assign(err, { retriable: true });
        throw err;
      } finally {
        inFlight--;
      }
    },
  });
  log.info({ topics: [...idByTopic.keys()], groupId }, 'sink running');
  return { done: life.done, stop: () => life.stop() };
}
