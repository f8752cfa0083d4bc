import type { AvroCodec } from '../../core/avro-codec.ts';
import { BadRecordError } from '../../core/errors.ts';

// What a DLQ record's value holds, for `dlq show`: the record decoded through the registry
// when it is valid Confluent wire format; else JSON when it parses (the candles source writes
// the bars it refuses as JSON); else a preview of the bytes. The registry being away is not
// "undecodable": that failure is the command's.

const PREVIEW_BYTES = 256;

export type Payload =
  | { kind: 'null' }
  | { kind: 'avro'; schemaId: number; record: unknown }
  | { kind: 'json'; value: unknown; reason: string }
  | { kind: 'bytes'; size: number; hex: string; utf8: string; reason: string };

export async function decodePayload(codec: AvroCodec, value: Buffer | null): Promise<Payload> {
  if (value === null) return { kind: 'null' };
  let reason: string;
  try {
    return { kind: 'avro', schemaId: value.readInt32BE(1), record: await codec.decode(value) };
  } catch (err) {
    if (!(err instanceof BadRecordError)) throw err;
    reason = err.message;
  }
  try {
    return { kind: 'json', value: JSON.parse(value.toString('utf8')), reason };
  } catch {
    const head = value.subarray(0, PREVIEW_BYTES);
    // Control characters shown as escapes, so a preview never moves the terminal's cursor.
    // eslint-disable-next-line no-control-regex
    const utf8 = head.toString('utf8').replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    return { kind: 'bytes', size: value.length, hex: head.toString('hex'), utf8, reason };
  }
}

/** JSON of a decoded record: Avro bytes as hex, longs beyond 2^53 as text. */
export function toJson(value: unknown, space?: number): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data) ? Buffer.from((v as { data: number[] }).data).toString('hex') : v), space);
}
