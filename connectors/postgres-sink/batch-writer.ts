import type pg from 'pg';
import type { TopicId } from '../../schemas/catalog.ts';
import type { TopicRecords } from '../../schemas/records.ts';
import type { TableMapping } from './mappings.ts';
import { isDataError, TableWriter } from './table-writer.ts';

// One micro-batch, one transaction. When the set-based upsert is refused because of the
// data, the batch is bisected under savepoints until the refused rows are isolated: those
// are returned as poison, every other row is committed.

export interface Rejected<T> {
  item: T;
  error: Error;
}

export class BatchWriter {
  private readonly tables: TableWriter;

  constructor(private readonly client: pg.Client) {
    this.tables = new TableWriter(client);
  }

  async writeBatch<K extends TopicId, T>(
    mapping: TableMapping<K>,
    items: readonly T[],
    recordOf: (item: T) => TopicRecords[K],
  ): Promise<Array<Rejected<T>>> {
    if (!items.length) return [];
    await this.client.query('BEGIN');
    try {
      await this.tables.write(mapping, items.map(recordOf));
      await this.client.query('COMMIT');
      return [];
    } catch (err) {
      await this.client.query('ROLLBACK').catch(() => {});
      if (!isDataError(err)) throw err;
    }
    // Slow path: isolate what the database refuses.
    const rejected: Array<Rejected<T>> = [];
    await this.client.query('BEGIN');
    try {
      await this.isolate(mapping, items, recordOf, rejected);
      await this.client.query('COMMIT');
    } catch (err) {
      await this.client.query('ROLLBACK').catch(() => {});
      throw err;
    }
    return rejected;
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
