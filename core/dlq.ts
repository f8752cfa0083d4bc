import type { IHeaders, Message } from 'kafkajs';
import { sendChunked, type Sender } from './chunked-send.ts';
import type { Logger } from './log.ts';
import { counter } from './metrics.ts';

// Poison records go to `<topic>.dlq` unchanged (key and value bytes), with the reason and
// their origin in headers, so they can be inspected and replayed once fixed.

export interface PoisonRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp?: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
  error: Error;
  /** Which component rejected it. */
  stage: string;
}

export const DLQ_HEADERS = {
  errorClass: 'dlq.error.class',
  errorMessage: 'dlq.error.message',
  stage: 'dlq.stage',
  topic: 'dlq.source.topic',
  partition: 'dlq.source.partition',
  offset: 'dlq.source.offset',
  timestamp: 'dlq.source.timestamp',
} as const;

/**
 * A record `dlq replay` sent back to its source topic carries `dlq.replayed.from`
 * (`<dlq topic>:<partition>:<offset>`) and the DLQ record's `dlq.*` headers renamed to
 * `dlq.replayed.*` (`dlq.error.class` -> `dlq.replayed.error.class`): under their own names a
 * good record would claim to be an error, and a consumer refusing it again would overwrite them.
 */
export const REPLAYED_HEADERS = { from: 'dlq.replayed.from', prefix: 'dlq.replayed.' } as const;

/**
 * A replay marker: a record in the DLQ itself (no key, no value) that says one of its records
 * was replayed: `dlq.replay.of` = `<partition>:<offset>` of that record, `dlq.replay.to` =
 * `<topic>:<partition>:<offset>` where it went. Committed in the transaction that replayed it.
 */
export const REPLAY_MARKER_HEADERS = { of: 'dlq.replay.of', to: 'dlq.replay.to' } as const;

const dlqRecords = counter('dlq_records_total', 'Records sent to a dead-letter topic', ['topic', 'stage', 'error']);

export function dlqMessage(p: PoisonRecord) {
  return {
    key: p.key,
    value: p.value,
    headers: {
      ...p.headers,
      [DLQ_HEADERS.errorClass]: p.error.name,
      [DLQ_HEADERS.errorMessage]: p.error.message.slice(0, 4000),
      [DLQ_HEADERS.stage]: p.stage,
      [DLQ_HEADERS.topic]: p.topic,
      [DLQ_HEADERS.partition]: String(p.partition),
      [DLQ_HEADERS.offset]: p.offset,
      ...(p.timestamp ? { [DLQ_HEADERS.timestamp]: p.timestamp } : {}),
    },
  };
}

/** The records grouped into their DLQ topics (`<topic>.dlq`). */
function dlqTopicMessages(records: PoisonRecord[]): Map<string, Message[]> {
  const byTopic = new Map<string, Message[]>();
  for (const r of records) byTopic.set(`${r.topic}.dlq`, [...(byTopic.get(`${r.topic}.dlq`) ?? []), dlqMessage(r)]);
  return byTopic;
}

/**
 * Sends poison records to their topics' DLQs (acks=all) before the caller commits offsets:
 * through a producer, or a Kafka transaction so they commit with the consumed offsets. In
 * requests under the broker's size limit: poison is often large (a whole page of garbage), and
 * a refused DLQ send would stall the partition behind it.
 */
export async function sendToDlq(sender: Sender, records: PoisonRecord[]): Promise<void> {
  for (const [topic, messages] of dlqTopicMessages(records)) await sendChunked(sender, topic, messages);
}

/** Once the DLQ records are committed: counts each (`ops_pipeline_dlq_records_total`) and logs its reason. */
export function reportDlq(log: Logger, records: PoisonRecord[]): void {
  for (const r of records) {
    dlqRecords.inc({ topic: r.topic, stage: r.stage, error: r.error.name });
    log.warn({ topic: r.topic, partition: r.partition, offset: r.offset, stage: r.stage, error: r.error.name, reason: r.error.message }, `record sent to ${r.topic}.dlq: ${r.error.message}`);
  }
}
