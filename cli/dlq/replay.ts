import type { Kafka, Producer, Transaction } from 'kafkajs';
import { positionOf, readDlqTopic, type DlqRecord } from './dlq-records.ts';
import type { DlqTopic } from './dlq-topics.ts';
import { reasonKey } from './reason.ts';
import { ReplayFailedError, ReplayFencedError } from './replay-errors.ts';
import { replayedMessage, replayMarker } from './replay-message.ts';
import { selects, type Selection } from './selection.ts';
import { waitUntilReadable } from '../../core/readable-offsets.ts';

// `dlq replay`: sends chosen DLQ records back to their source topic once the cause is fixed.
//
// Safe to run twice, and two at once: each record goes in a Kafka transaction together with a
// replay marker in the DLQ itself (replay-message.ts), and a record with a committed marker is
// never sent again. The transactional id is the DLQ's own, and the first transaction is begun
// (InitProducerId: it fences any other replay of this DLQ and finishes the transaction that one
// left) before the markers are read: a replay started while another was committing reads its
// markers, and one that was fenced commits nothing. Markers in the DLQ rather than a topic of
// their own: no new topic, they live and expire with the records they mark (always after them,
// in their partition), and a DLQ deleted and created again forgets them with its records.
// kafkajs' `producer.connect()` does not fence: only a transaction's InitProducerId does.

/** Records per transaction: a large replay commits as it goes, far from the transaction timeout. */
const BATCH = 200;

export interface ReplayedRecord {
  /** `<partition>:<offset>` in the DLQ. */
  from: string;
  reason: string;
  /** Where it went; absent in a dry run. */
  to?: { topic: string; partition: number; offset: string };
}

export interface ReplayReport {
  topic: string;
  source: string;
  dryRun: boolean;
  /** Sent (or, in a dry run, to be sent), in DLQ order. */
  replayed: ReplayedRecord[];
  /** Chosen but replayed before: `to` is where that replay sent it. */
  skipped: Array<{ from: string; to: string }>;
  /** Chosen but not replayable, with why. */
  refused: Array<{ from: string; why: string }>;
}

export interface ReplayOptions {
  dlq: DlqTopic;
  selection: Selection;
  dryRun?: boolean;
  /** Called after each committed transaction with its records. */
  onCommitted?: (records: ReplayedRecord[]) => void;
  /** Awaited between reading the markers and sending: lets a test hold a replay there. */
  beforeSending?: () => Promise<void>;
}

export function replayTransactionalId(dlqTopic: string): string {
  return `ops-pipeline-dlq-replay-${dlqTopic}`;
}

/** Why a chosen record cannot go back, if it cannot. */
function refusal(r: DlqRecord, dlq: DlqTopic, partitions: number): string | undefined {
  // A header is data: a replay writes to the topic its DLQ belongs to, never where a header says.
  if (r.dlq.sourceTopic !== dlq.source) return `dlq.source.topic is ${JSON.stringify(r.dlq.sourceTopic)}, not ${dlq.source}`;
  if (r.dlq.sourcePartition >= partitions) return `${dlq.source} has ${partitions} partition(s), no partition ${r.dlq.sourcePartition} any more`;
  return undefined;
}

const FENCED = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED']);

/** The broker's own error under kafkajs' retry wrappers, if it answered with one. */
function protocolError(err: unknown): { type: string; message: string } | undefined {
  for (let e = err as { name?: string; type?: string; message?: string; originalError?: unknown } | undefined, depth = 0; e && depth < 5; e = e.originalError as typeof e, depth++) {
    if (e.name === 'KafkaJSProtocolError' && e.type) return { type: e.type, message: e.message ?? e.type };
  }
  return undefined;
}

export async function replayDlq(kafka: Kafka, o: ReplayOptions): Promise<ReplayReport> {
  const { dlq } = o;
  const report: ReplayReport = { topic: dlq.topic, source: dlq.source, dryRun: Boolean(o.dryRun), replayed: [], skipped: [], refused: [] };
  // A dry run reads only: it must not fence a replay that is running.
  const producer: Producer | undefined = o.dryRun ? undefined : kafka.producer({ transactionalId: replayTransactionalId(dlq.topic), idempotent: true, maxInFlightRequests: 1 });
  let tx: Transaction | undefined;
  const committed: ReplayedRecord[] = [];
  try {
    if (producer) {
      await producer.connect();
      tx = await producer.transaction();
    }
    const { records, markers } = await readDlqTopic(kafka, dlq.topic);
    const partitions = await partitionCount(kafka, dlq.source);
    const todo: DlqRecord[] = [];
    for (const r of records.filter((x) => selects(o.selection, x))) {
      const marker = markers.get(positionOf(r));
      const why = refusal(r, dlq, partitions);
      if (marker) report.skipped.push({ from: positionOf(r), to: marker.to });
      else if (why) report.refused.push({ from: positionOf(r), why });
      else todo.push(r);
    }
    if (!producer) {
      report.replayed = todo.map((r) => ({ from: positionOf(r), reason: reasonKey(r.dlq) }));
      return report;
    }
    await o.beforeSending?.();
    for (let i = 0; i < todo.length; i += BATCH) {
      tx ??= await producer.transaction();
      const batch: ReplayedRecord[] = [];
      for (const r of todo.slice(i, i + BATCH)) {
        const [meta] = await tx.send({ topic: dlq.source, acks: -1, messages: [replayedMessage(dlq.topic, r)] });
        const to = { topic: dlq.source, partition: meta!.partition, offset: meta!.baseOffset! };
        await tx.send({ topic: dlq.topic, acks: -1, messages: [replayMarker(r, to)] });
        batch.push({ from: positionOf(r), reason: reasonKey(r.dlq), to });
      }
      await tx.commit();
      tx = undefined;
      committed.push(...batch);
      o.onCommitted?.(batch);
    }
    report.replayed = committed;
    await waitUntilReadable(kafka, committed.flatMap((r) => (r.to ? [r.to] : [])));
    return report;
  } catch (err) {
    await tx?.abort().catch(() => {});
    tx = undefined;
    const refused = protocolError(err);
    if (refused && FENCED.has(refused.type)) throw new ReplayFencedError(dlq.topic, committed, { cause: err });
    if (refused) throw new ReplayFailedError(dlq.topic, committed, `${refused.type}: ${refused.message}`, { cause: err });
    throw err; // unreachable, or ours: the command reports it
  } finally {
    // Nothing to end when nothing was begun; an empty transaction sends nothing to the broker.
    if (tx) await tx.abort().catch(() => {});
    await producer?.disconnect().catch(() => {});
  }
}

async function partitionCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]?.partitions.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}
