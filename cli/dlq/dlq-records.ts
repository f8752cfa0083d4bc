import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { DLQ_HEADERS, REPLAY_MARKER_HEADERS } from '../../core/dlq.ts';
import { readToEnd } from '../../core/topic-reader.ts';

// A DLQ topic read back: its refused records with their dlq.* headers parsed, and the replay
// markers `dlq replay` committed beside them (core/dlq.ts REPLAY_MARKER_HEADERS).

export interface DlqRecord {
  partition: number;
  offset: string;
  /** When it was sent to the DLQ (epoch ms). */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Every header as kafkajs read it, for a byte-for-byte replay. */
  headers: IHeaders;
  /** What the consumer that refused it said (the dlq.* headers). */
  dlq: {
    errorClass: string;
    errorMessage: string;
    stage: string;
    sourceTopic: string;
    sourcePartition: number;
    sourceOffset: string;
    sourceTimestamp?: string;
  };
}

export interface ReplayMarker {
  /** The marker's own offset in the DLQ. */
  offset: string;
  /** `<partition>:<offset>` of the replayed record. */
  of: string;
  /** `<topic>:<partition>:<offset>` where it went. */
  to: string;
}

export interface DlqContents {
  records: DlqRecord[];
  /** By the replayed record's `<partition>:<offset>`. */
  markers: Map<string, ReplayMarker>;
}

/** Where a record is in its DLQ: `<partition>:<offset>`. */
export const positionOf = (r: { partition: number; offset: string }) => `${r.partition}:${r.offset}`;

/** A header's value as text (the first, when kafkajs read several of one name). */
export function headerText(headers: IHeaders, name: string): string | undefined {
  const v = headers[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

function toRecord(m: KafkaMessage, partition: number): DlqRecord {
  const headers = m.headers ?? {};
  const h = (name: string) => headerText(headers, name);
  return {
    partition,
    offset: m.offset,
    timestamp: Number(m.timestamp),
    key: m.key,
    value: m.value,
    headers,
    dlq: {
      errorClass: h(DLQ_HEADERS.errorClass) ?? '',
      errorMessage: h(DLQ_HEADERS.errorMessage) ?? '',
      stage: h(DLQ_HEADERS.stage) ?? '',
      sourceTopic: h(DLQ_HEADERS.topic) ?? '',
      sourcePartition: Number(h(DLQ_HEADERS.partition) ?? -1),
      sourceOffset: h(DLQ_HEADERS.offset) ?? '-1',
      sourceTimestamp: h(DLQ_HEADERS.timestamp),
    },
  };
}

/**
 * A marker names the record it replayed and has no error class: a refused record always has one
 * (core/dlq.ts), even when it carries a `dlq.replay.of` header of its own.
 */
function toMarker(m: KafkaMessage): ReplayMarker | undefined {
  const headers = m.headers ?? {};
  const of = headerText(headers, REPLAY_MARKER_HEADERS.of);
  if (of === undefined || headerText(headers, DLQ_HEADERS.errorClass) !== undefined) return undefined;
  return { offset: m.offset, of, to: headerText(headers, REPLAY_MARKER_HEADERS.to) ?? '' };
}

/**
 * Reads a DLQ topic up to its end offsets (read_committed: only committed markers count), or
 * one partition from an offset on (a record's markers are always after it, in its partition).
 */
export async function readDlqTopic(kafka: Kafka, topic: string, only?: { partition: number; from: bigint }): Promise<DlqContents> {
  const records: DlqRecord[] = [];
  const markers = new Map<string, ReplayMarker>();
  await readToEnd(
    kafka,
    topic,
    (m, partition) => {
      const marker = toMarker(m);
      if (marker) markers.set(marker.of, marker);
      else records.push(toRecord(m, partition));
    },
    only && {
      startAt: (r) => (r.partition === only.partition ? only.from : r.high),
    },
  );
  return { records, markers };
}
