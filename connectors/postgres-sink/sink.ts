import type { Batch, Kafka, Producer } from 'kafkajs';
import { AvroCodec } from '../../core/avro-codec.ts';
import { reportDlq, sendToDlq, type PoisonRecord } from '../../core/dlq.ts';
import { BadRecordError } from '../../core/errors.ts';
import { logger } from '../../core/log.ts';
import { counter, gauge, histogram } from '../../core/metrics.ts';
import { createRegistry } from '../../core/registry.ts';
import type { Deployment, SinkInstance } from '../../core/runtime/component.ts';
import { recordName, topicName, type TopicId } from '../../schemas/catalog.ts';
import type { TopicRecords } from '../../schemas/records.ts';
import type { SinkConfig } from './config.ts';
import { lastPerKeyInKeyOrder } from './last-per-key.ts';
import { mappingFor, rowProblem } from './mappings.ts';
import type { BatchOutcome } from './batch-writer.ts';
import { refuseRecreatedTopics } from './partition-fence.ts';
import { observeRowLatency } from './row-latency.ts';
import { WriterPool } from './writer-pool.ts';

// The PostgreSQL sink's domain: each partition batch the runtime hands it (one consumer group
// over all topics, core/runtime/sink-runtime.ts) is decoded, checked, reduced to the last
// record per key, and written in one database transaction, which the runtime commits the
// offsets after. A crash at any point replays at most the uncommitted batch: the upserts absorb it.

const log = logger('sink');
const recordsIn = counter('sink_records_in_total', 'Records the sink read', ['topic']);
const rowsUpserted = counter('sink_rows_upserted_total', 'Rows upserted into PostgreSQL', ['table']);
const batchSeconds = histogram('sink_batch_seconds', 'Time to write one micro-batch, decode to commit', ['table']);
const lagRecords = gauge('sink_consumer_lag_records', 'High watermark minus committed offset after the last batch', ['topic', 'partition']);

interface Decoded<K extends TopicId> {
  record: TopicRecords[K];
  message: Batch['messages'][number];
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

/** The sink's writers for one process: what the runtime (core/runtime/sink-runtime.ts) hands batches to. */
export async function openSink(config: SinkConfig, deployment: Deployment, kafka: Kafka, groupId: string): Promise<SinkInstance<SinkSummary>> {
  const idByTopic = new Map<string, TopicId>(config.topics.map((id) => [topicName(id as TopicId, deployment.prefix), id as TopicId]));
  const codec = new AvroCodec(createRegistry(deployment.connections.registry));
  const writers = await WriterPool.open(deployment.connections.database.url, config.concurrency);
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const admin = kafka.admin();
  const summary: SinkSummary = { records: 0, rows: 0, dlq: 0 };
  const closeAll = async () => {
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
  } catch (err) {
    // Open connections would keep the process alive after the error is reported.
    await closeAll();
    throw err;
  }

  async function writeBatch<K extends TopicId>(id: K, batch: Batch): Promise<void> {
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
        const problem = rowProblem(mapping, record, deployment);
        if (problem) throw new BadRecordError(problem);
        good.push({ record, message });
      } catch (err) {
        if (!(err instanceof BadRecordError)) throw err;
        poison.push(toPoison(message, err));
      }
    }
    const rows = lastPerKeyInKeyOrder(good, (d) => mapping.key(d.record));
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    const position = { groupId, topic: batch.topic, partition: batch.partition, nextOffset: BigInt(next), logEnd: () => logEnd(batch.topic, batch.partition) };
    let reported: PoisonRecord[] = [];
    // Poison before the fence was reported by whoever wrote those offsets; the rest goes to
    // the DLQ before the database commit, so a crash in between sends it again, never drops it.
    const reportPoison = async (outcome: BatchOutcome<Decoded<K>>) => {
      reported = [...poison, ...outcome.rejected.map((r) => toPoison(r.item.message, r.error))].filter((p) => BigInt(p.offset) >= outcome.writtenBefore);
      await sendToDlq(producer, reported);
    };
    const outcome = await writers.use((writer) => writer.writeBatch(mapping, rows, { recordOf: (d) => d.record, offsetOf: (d) => BigInt(d.message.offset), position }, reportPoison));

    const { written } = outcome;
    observeRowLatency(id, mapping.table, good);
    summary.records += batch.messages.length;
    summary.rows += written;
    summary.dlq += reported.length;
    recordsIn.inc({ topic: batch.topic }, batch.messages.length);
    rowsUpserted.inc({ table: mapping.table }, written);
    batchSeconds.observe({ table: mapping.table }, Number(process.hrtime.bigint() - started) / 1e9);
    lagRecords.set({ topic: batch.topic, partition: String(batch.partition) }, Number(BigInt(batch.highWatermark) - BigInt(next)));
    reportDlq(log, reported);
  }

  return {
    async write(batch) {
      const id = idByTopic.get(batch.topic);
      if (id) await writeBatch(id, batch);
    },
    summary: () => ({ ...summary }),
    close: closeAll,
  };
}
