import type pg from 'pg';
import { TopicRecreatedError } from './topic-recreated-error.ts';

// The sink's written-up-to offset per (group, topic, partition), in PostgreSQL beside the rows
// (ops_pipeline.sink_offsets, migration 003). Each batch transaction locks its partition's row,
// writes only the records at or after the stored offset, and moves the offset past the batch.
// Kafka's own commit can fail after the database commit (a rebalance in between): an instance
// that lost the partition may then still finish an old batch after the new owner wrote newer
// records. The lock orders the two, and the stored offset turns the late batch into a no-op.
// The stored offset never moves back: only `sink reset` (an operator's decision) forgets it.

export interface PartitionPosition {
  groupId: string;
  topic: string;
  partition: number;
  /** The offset after the batch's last record. */
  nextOffset: bigint;
  /**
   * The partition's log end, asked of the broker now. Called only while the row is locked and
   * only for a batch wholly behind the stored offset, to tell a late batch from a log that is
   * shorter than what was written (the topic was deleted and created again, or truncated).
   */
  logEnd: () => Promise<bigint>;
}

/** Locks the partition's row for this transaction and returns the first offset not yet written. */
export async function lockPartition(client: pg.Client, at: PartitionPosition): Promise<bigint> {
  // One round trip: the upsert creates the row or takes its lock (ON CONFLICT DO UPDATE locks
  // like UPDATE), and returns the stored offset either way.
  const { rows } = await client.query<{ next_offset: string }>(
    `INSERT INTO ops_pipeline.sink_offsets AS o (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, 0)
     ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = o.next_offset RETURNING next_offset`,
    [at.groupId, at.topic, at.partition],
  );
  const written = BigInt(rows[0]!.next_offset);
  if (written > at.nextOffset) {
    // Whatever wrote up to `written` committed before this lock was granted, from records that
    // were in the log then; a log end asked for now can only be shorter if that log is gone.
    const end = await at.logEnd();
    if (end < written) throw new TopicRecreatedError(at.groupId, at.topic, at.partition, written, end);
  }
  return written;
}

/** Moves the partition's written-up-to offset past the batch, inside the same transaction; never back. */
export async function advancePartition(client: pg.Client, at: PartitionPosition): Promise<void> {
  await client.query(
    `UPDATE ops_pipeline.sink_offsets SET next_offset = $4, updated_at = NOW()
     WHERE group_id = $1 AND topic = $2 AND partition = $3 AND next_offset < $4`,
    [at.groupId, at.topic, at.partition, at.nextOffset.toString()],
  );
}

/**
 * Before consuming: a partition the group has written further than it now reaches belongs to a
 * deleted log. Refused at start with the way out, rather than skipping the new log's records.
 */
export async function refuseRecreatedTopics(client: pg.Client, groupId: string, topics: readonly string[], logEnd: (topic: string, partition: number) => Promise<bigint>): Promise<void> {
  const { rows } = await client.query<{ topic: string; partition: number; next_offset: string }>(
    'SELECT topic, partition, next_offset FROM ops_pipeline.sink_offsets WHERE group_id = $1 AND topic = ANY($2)',
    [groupId, topics],
  );
  for (const r of rows) {
    const end = await logEnd(r.topic, r.partition);
    if (end < BigInt(r.next_offset)) throw new TopicRecreatedError(groupId, r.topic, r.partition, BigInt(r.next_offset), end);
  }
}
