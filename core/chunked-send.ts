import type { Message, ProducerRecord, RecordMetadata } from 'kafkajs';

// The broker refuses a record batch over its message size limit (max.message.bytes, 1 MiB by
// default), and kafkajs puts everything one send() gives a partition into one batch. So a
// large output (a backlog's batch of classified news, a burst of signals) is sent in several
// requests, each well under the limit; inside a transaction they still commit as one.

/** Under the broker's default 1 MiB with room for batch and record headers. */
export const MAX_SEND_BYTES = 512 * 1024;
/** Per-record overhead beyond key and value (varints, timestamp, attributes). */
const RECORD_OVERHEAD = 32;

function recordBytes(m: Message): number {
  const size = (v: Message['key'] | Message['value']) => (v == null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length);
  let headers = 0;
  for (const [k, v] of Object.entries(m.headers ?? {})) headers += Buffer.byteLength(k) + (Array.isArray(v) ? v.reduce((n, x) => n + size(x), 0) : size(v as Message['value']));
  return size(m.key) + size(m.value) + headers + RECORD_OVERHEAD;
}

/** Splits messages, in order, into runs of at most `maxBytes` (a larger message goes alone). */
export function chunkBySize(messages: readonly Message[], maxBytes = MAX_SEND_BYTES): Message[][] {
  const chunks: Message[][] = [];
  let chunk: Message[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = recordBytes(m);
    if (chunk.length && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(m);
    bytes += size;
  }
  if (chunk.length) chunks.push(chunk);
  return chunks;
}

/** A producer or a transaction. */
export interface Sender {
  send(record: ProducerRecord): Promise<RecordMetadata[]>;
}

/** Sends every message (acks from all in-sync replicas), in requests the broker accepts. */
export async function sendChunked(sender: Sender, topic: string, messages: readonly Message[], maxBytes = MAX_SEND_BYTES): Promise<void> {
  for (const chunk of chunkBySize(messages, maxBytes)) await sender.send({ topic, acks: -1, messages: chunk });
}
