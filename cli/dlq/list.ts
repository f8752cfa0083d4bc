import type { Kafka } from 'kafkajs';
import { positionOf, readDlqTopic } from './dlq-records.ts';
import type { DlqTopic } from './dlq-topics.ts';
import { maskNumbers, reasonKey } from './reason.ts';

// `dlq list`: per DLQ topic, how many records it holds and why, grouped by reason
// (reason.ts), with when each reason was first and last seen and how many were replayed.

export interface ReasonGroup {
  /** `<stage> <class>: <message with numbers masked>`, what `dlq replay --reason` also matches. */
  reason: string;
  stage: string;
  errorClass: string;
  message: string;
  /** One message as it was written, numbers and all. */
  example: string;
  records: number;
  replayed: number;
  firstSeen: string;
  lastSeen: string;
  /** `<partition>:<offset>` of the first and the last record of the group. */
  first: string;
  last: string;
}

export interface DlqTopicSummary {
  topic: string;
  source: string;
  records: number;
  replayed: number;
  reasons: ReasonGroup[];
}

export async function listDlq(kafka: Kafka, topics: DlqTopic[]): Promise<DlqTopicSummary[]> {
  const out: DlqTopicSummary[] = [];
  for (const t of topics) {
    const { records, markers } = await readDlqTopic(kafka, t.topic);
    const groups = new Map<string, ReasonGroup>();
    for (const r of records) {
      const key = reasonKey(r.dlq);
      const at = new Date(r.timestamp).toISOString();
      const replayed = markers.has(positionOf(r)) ? 1 : 0;
      const g = groups.get(key);
      if (!g) {
        groups.set(key, { reason: key, stage: r.dlq.stage, errorClass: r.dlq.errorClass, message: maskNumbers(r.dlq.errorMessage), example: r.dlq.errorMessage, records: 1, replayed, firstSeen: at, lastSeen: at, first: positionOf(r), last: positionOf(r) });
        continue;
      }
      g.records += 1;
      g.replayed += replayed;
      if (at < g.firstSeen) g.firstSeen = at;
      if (at > g.lastSeen) g.lastSeen = at;
      g.last = positionOf(r);
    }
    const reasons = [...groups.values()].sort((a, b) => b.records - a.records || a.reason.localeCompare(b.reason));
    out.push({ topic: t.topic, source: t.source, records: records.length, replayed: reasons.reduce((n, g) => n + g.replayed, 0), reasons });
  }
  return out;
}
