import type pg from 'pg';
import type { TopicId } from '../../schemas/catalog.ts';
import type { TopicRecords } from '../../schemas/records.ts';
import type { TableMapping } from './mappings.ts';
import { advancePartition, lockPartition, type PartitionPosition } from './partition-fence.ts';
import { isDataError, TableWriter } from './table-writer.ts';

// One micro-batch of one partition, one transaction. The partition's fence decides which
// records are still to be written (see partition-fence.ts). When the set-based upsert is
// refused because of the data, the batch is bisected under savepoints until the refused rows
// are isolated: those are returned as poison, every other row is committed.

export interface Rejected<T> {
  item: T;
  error: Error;
}

export interface BatchOutcome<T> {
  rejected: Array<Rejected<T>>;
  /** Records before this offset were already written (by an earlier or a competing batch). */
  writtenBefore: bigint;
  /** Rows this batch wrote: those at or after the fence, less the rejected. */
  written: number;
}

export class BatchWriter {
  private readonly tables: TableWriter;

  constructor(private readonly client: pg.Client) {
    this.tables = new TableWriter(client);
  }

  /**
   * Writes the items the partition's fence lets through, in one transaction. `beforeCommit`
   * runs inside it once the outcome is known (the sink sends its DLQ records there): if the
   * commit then fails, the batch is retried and they are sent again, never lost.
   */
  async writeBatch<K extends TopicId, T>(
    mapping: TableMapping<K>,
    items: readonly T[],
    batch: { recordOf: (item: T) => TopicRecords[K]; offsetOf: (item: T) => bigint; position: PartitionPosition },
    beforeCommit: (outcome: BatchOutcome<T>) => Promise<void>,
  ): Promise<BatchOutcome<T>> {
    const { recordOf, offsetOf, position } = batch;
    const fenced = (from: bigint) => items.filter((item) => offsetOf(item) >= from);
    const finish = async (outcome: BatchOutcome<T>) => {
      if (position.nextOffset > outcome.writtenBefore) await advancePartition(this.client, position);
      await beforeCommit(outcome);
      await this.client.query('COMMIT');
      return outcome;
    };
    await this.client.query('BEGIN');
    try {
      const writtenBefore = await lockPartition(this.client, position);
      const todo = fenced(writtenBefore);
      await this.tables.write(mapping, todo.map(recordOf));
      return await finish({ rejected: [], writtenBefore, written: todo.length });
    } catch (err) {
      await this.client.query('ROLLBACK').catch(() => {});
      if (!isDataError(err)) throw err;
    }
    // Slow path: isolate what the database refuses.
    await this.client.query('BEGIN');
    try {
      const writtenBefore = await lockPartition(this.client, position);
      const rejected: Array<Rejected<T>> = [];
      const todo = fenced(writtenBefore);
      if (todo.length) await this.isolate(mapping, todo, recordOf, rejected);
      return await finish({ rejected, writtenBefore, written: todo.length - rejected.length });
    } catch (err) {
      await this.client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  private async isolate<K extends TopicId, T>(
    mapping: TableMapping<K>,
    items: readonly T[],
    recordOf: (item: T) => TopicRecords[K],
    rejected: Array<Rejected<T>>,
  ): Promise<void> {
    await this.client.query('SAVEPOINT part');
    try {
      await this.tables.write(mapping, items.map(recordOf), { truncateFirst: true });
      await this.client.query('RELEASE SAVEPOINT part');
      return;
    } catch (err) {
      await this.client.query('ROLLBACK TO SAVEPOINT part');
      await this.client.query('RELEASE SAVEPOINT part');
      if (!isDataError(err)) throw err;
      if (items.length === 1) {
        rejected.push({ item: items[0]!, error: Object.assign(new Error(`${mapping.table}: ${(err as Error).message}`), { name: 'ConstraintViolation' }) });
        return;
      }
    }
    const mid = items.length >> 1;
    await this.isolate(mapping, items.slice(0, mid), recordOf, rejected);
    await this.isolate(mapping, items.slice(mid), recordOf, rejected);
  }

  reset(): void {
    this.tables.reset();
  }
}
