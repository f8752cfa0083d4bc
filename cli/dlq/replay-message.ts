import type { IHeaders, Message } from 'kafkajs';
import { DLQ_HEADERS, REPLAY_MARKER_HEADERS, REPLAYED_HEADERS } from '../../core/dlq.ts';
import type { DlqRecord } from './dlq-records.ts';

// The two records a replay writes per DLQ record: the record itself, back on its source topic
// (key and value byte for byte, its own headers, its origin as dlq.replayed.* headers), and the
// marker in the DLQ that says it was replayed (core/dlq.ts).

const DLQ_NAMES = new Set<string>(Object.values(DLQ_HEADERS));

export function replayedMessage(dlqTopic: string, r: DlqRecord): Message {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(r.headers)) {
    if (value === undefined) continue;
    // Its own headers as they came; this trip's dlq.* renamed; an earlier trip's dlq.replayed.* replaced.
    if (!name.startsWith('dlq.')) headers[name] = value;
    else if (DLQ_NAMES.has(name)) headers[`${REPLAYED_HEADERS.prefix}${name.slice('dlq.'.length)}`] = value;
  }
  headers[REPLAYED_HEADERS.from] = `${dlqTopic}:${r.partition}:${r.offset}`;
  const timestamp = r.dlq.sourceTimestamp;
  return {
    key: r.key,
    value: r.value,
    headers,
    // Where it was read from; a record a source refused (-1) was never on a partition: the key's.
    ...(r.dlq.sourcePartition >= 0 ? { partition: r.dlq.sourcePartition } : {}),
    // Its own time, not the replay's: the event time the processors and backtests go by.
    ...(timestamp && /^\d+$/.test(timestamp) ? { timestamp } : {}),
  };
}

export function replayMarker(r: DlqRecord, to: { topic: string; partition: number; offset: string }): Message {
  // In the record's own partition, after it: retention never deletes a marker before its record.
  return { key: null, value: null, partition: r.partition, headers: { [REPLAY_MARKER_HEADERS.of]: `${r.partition}:${r.offset}`, [REPLAY_MARKER_HEADERS.to]: `${to.topic}:${to.partition}:${to.offset}` } };
}
