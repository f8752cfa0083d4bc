import type pg from 'pg';
import { logger } from '../../core/log.ts';

// The sink's written-up-to offset per (group, topic, partition), in PostgreSQL beside the rows
// (ops_pipeline.sink_offsets, migration 003). Each batch transaction locks its partition's row,
// writes only the records at or after the stored offset, and moves the offset past the batch.
// Kafka's own commit can fail after the database commit (a rebalance in between): an instance
// that lost the partition may then still finish an old batch after the new owner wrote newer
// records. The lock orders the two, and the stored offset turns the late batch into a no-op.

const log = logger('sink');

export interface PartitionPosition {
  groupId: string;
  topic: string;
  partition: number;
  /** The offset after the batch's last record. */
  nextOffset: bigint;
  /** The partition's log end as the fetch saw it. */
  highWatermark: bigint;
}

/**
 * Locks the partition's row for this transaction and returns the first offset not yet written.
 * A stored offset beyond the log end means the topic was deleted and created again (offsets
 * restart at 0): that position belongs to the old log and is forgotten.
 */
export async function lockPartition(client: pg.Client, at: PartitionPosition): Promise<bigint> {
  // One round trip: the upsert creates the row or takes its lock (ON CONFLICT DO UPDATE locks
  // like UPDATE), and returns the stored offset either way.
  const { rows } = await client.query<{ next_offset: string }>(
    `INSERT INTO ops_pipeline.sink_offsets AS o (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, 0)
     ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = o.next_offset RETURNING next_offset`,
    [at.groupId, at.topic, at.partition],
  );
  const written = BigInt(rows[0]!.next_offset);
  if (written > at.highWatermark) {
    log.warn({ topic: at.topic, partition: at.partition, written: written.toString(), logEnd: at.highWatermark.toString() }, 'the database has written past this partition\'s end: the topic was recreated; starting over');
    return 0n;
  }
  return written;
}

/** Moves the partition's written-up-to offset past the batch, inside the same transaction. */
export async function advancePartition(client: pg.Client, at: PartitionPosition): Promise<void> {
  await client.query(
    `UPDATE ops_pipeline.sink_offsets SET next_offset = $4, updated_at = NOW() WHERE group_id = $1 AND topic = $2 AND partition = $3`,
    [at.groupId, at.topic, at.partition, at.nextOffset.toString()],
  );
}
