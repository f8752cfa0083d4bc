import type { IHeaders } from 'kafkajs';
import type { TopicId } from '../schemas/catalog.ts';

// A record's timestamp is its event time (schemas/record-encoder.ts: replays find offsets by
// it), so the time a producer made the record travels in a header instead: what a Kafka
// CreateTime would say. Latency metrics take a stage's start from it (docs/operations.md).

export const CREATED_AT_HEADER = 'ops.created-at';

/** The topics whose records carry the header: what the RSS source and the processors make. */
export const CREATED_AT_TOPICS: readonly TopicId[] = ['newsRaw', 'newsClassified', 'signals'];

export const CREATED_AT_DOC = 'When its producer made the record, epoch milliseconds (the record\'s timestamp is its event time); the latency metrics start there.';

/** The header for a record created now (epoch ms). */
export function createdAtHeader(now = Date.now()): Record<string, string> {
  return { [CREATED_AT_HEADER]: String(now) };
}

/** The producer's create time of a record (epoch ms), or undefined without the header. */
export function createdAtOf(headers: IHeaders | undefined): number | undefined {
  const v = headers?.[CREATED_AT_HEADER];
  if (v === undefined) return undefined;
  const n = Number(String(Array.isArray(v) ? v[0] : v));
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
