import type { IHeaders } from 'kafkajs';

// A record's timestamp is its event time (schemas/record-encoder.ts: replays find offsets by
// it), so the time a producer made the record travels in a header instead: what a Kafka
// CreateTime would say. Latency metrics take a stage's start from it (docs/operations.md).

export const CREATED_AT_HEADER = 'ops.created-at';

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
