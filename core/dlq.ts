import type { IHeaders, Producer } from 'kafkajs';
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

/** Sends poison records to their topics' DLQs (acks=all) before the caller commits offsets. */
export async function sendToDlq(producer: Producer, records: PoisonRecord[]): Promise<void> {
  if (!records.length) return;
  const byTopic = new Map<string, PoisonRecord[]>();
  for (const r of records) byTopic.set(`${r.topic}.dlq`, [...(byTopic.get(`${r.topic}.dlq`) ?? []), r]);
  await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, rs]) => ({ topic, messages: rs.map(dlqMessage) })) });
  for (const r of records) dlqRecords.inc({ topic: r.topic, stage: r.stage, error: r.error.name });
}
