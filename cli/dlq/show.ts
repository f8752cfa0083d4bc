import type { Kafka } from 'kafkajs';
import type { AvroCodec } from '../../core/avro-codec.ts';
import { ConfigError } from '../../core/errors.ts';
import { headerText, readDlqTopic, type ReplayMarker } from './dlq-records.ts';
import type { DlqTopic } from './dlq-topics.ts';
import { decodePayload, type Payload } from './payload.ts';
import type { Position } from './selection.ts';

// `dlq show`: one DLQ record as an operator needs it to decide on a replay: its dlq.* headers,
// the headers it came with, its key, its payload decoded (payload.ts), and whether (and
// where to) it was replayed already.

export interface ShownRecord {
  topic: string;
  partition: number;
  offset: string;
  /** When it was sent to the DLQ. */
  timestamp: string;
  key: string | null;
  /** Its dlq.* headers. */
  dlq: Record<string, string>;
  /** The headers it had at its source (all but dlq.*). */
  headers: Record<string, string>;
  size: number | null;
  payload: Payload;
  replayed: ReplayMarker | null;
}

export async function showDlqRecord(kafka: Kafka, codec: AvroCodec, dlq: DlqTopic, at: Position): Promise<ShownRecord> {
  const { records, markers } = await readDlqTopic(kafka, dlq.topic, { partition: at.partition, from: at.offset });
  const r = records.find((x) => x.partition === at.partition && BigInt(x.offset) === at.offset);
  // Transaction markers and replay markers take offsets too; retention deletes old ones.
  if (!r) throw new ConfigError(`no DLQ record at ${dlq.topic} ${at.partition}:${at.offset} (gone with retention, past the end, or not a refused record); dlq list shows where its records are`, 'position');
  const dlqHeaders: Record<string, string> = {};
  const headers: Record<string, string> = {};
  for (const name of Object.keys(r.headers)) (name.startsWith('dlq.') ? dlqHeaders : headers)[name] = headerText(r.headers, name) ?? '';
  return {
    topic: dlq.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: new Date(r.timestamp).toISOString(),
    key: r.key === null ? null : r.key.toString('utf8'),
    dlq: dlqHeaders,
    headers,
    size: r.value?.length ?? null,
    payload: await decodePayload(codec, r.value),
    replayed: markers.get(`${r.partition}:${r.offset}`) ?? null,
  };
}
