import type { KafkaMessage } from 'kafkajs';
import { createdAtOf } from '../../core/created-at.ts';
import { histogram, LATENCY_BUCKETS } from '../../core/metrics.ts';
import type { TopicId } from '../../schemas/catalog.ts';
import type { NewsClassified, Signal } from '../../schemas/records.ts';

// Latency up to a row committed in PostgreSQL, observed once per record after its batch's
// transaction commits: from the record's create time (header ops.created-at, set by the RSS
// source and every processor), and end to end from what the record carries (a news item's
// fetch time, a signal's bar close). docs/operations.md lists them.

const recordToRow = histogram('sink_record_to_row_seconds', 'Record created (header ops.created-at) to its row committed, seconds', ['table'], LATENCY_BUCKETS);
const newsEndToEnd = histogram('sink_classified_end_to_end_seconds', 'Fetch time of a news item to its classified row committed, seconds', [], LATENCY_BUCKETS);
// The lateness is the signals processor's setting, which the sink does not know: it is included.
const signalEndToEnd = histogram(
  'sink_signal_end_to_end_seconds',
  'Bar close (signal ts) to the signal row committed, signals.rules.allowedLatenessSeconds included, seconds',
  [],
  [...LATENCY_BUCKETS, 15, 30, 60, 90, 120, 180, 300, 600, 900],
);

/** Observes the records of one committed batch (all that were written, superseded ones too). */
export function observeRowLatency(id: TopicId, table: string, written: ReadonlyArray<{ record: unknown; message: KafkaMessage }>, committedAt = Date.now()): void {
  for (const { record, message } of written) {
    const created = createdAtOf(message.headers);
    if (created !== undefined) recordToRow.observe({ table }, Math.max(0, (committedAt - created) / 1000));
    if (id === 'newsClassified') newsEndToEnd.observe(Math.max(0, (committedAt - (record as NewsClassified).fetched_at) / 1000));
    // A status update (the executor's) is not the signal arriving.
    if (id === 'signals' && (record as Signal).status === 'PENDING') signalEndToEnd.observe(Math.max(0, (committedAt - (record as Signal).ts) / 1000));
  }
}
