import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { TopicId } from '../../schemas/catalog.ts';
import type { TopicRecords } from '../../schemas/records.ts';
import { BinaryCopyEncoder } from './copy-binary.ts';
import type { TableMapping } from './mappings.ts';
import { NewKeysBet } from './new-keys-bet.ts';

// Writes a micro-batch of one topic into its table, inside the caller's transaction: binary
// COPY into a session-local stage table, then the mapping's upsert statements. Where the upsert inserts
// new keys as they are, a batch is first copied straight into the table under a savepoint,
// betting its keys are all new (a unique violation rolls that back to the staged upsert):
// a bulk COPY is about twice as fast as an INSERT … ON CONFLICT of the same rows.

const ROWS_PER_CHUNK = 2000;

export function stageName(table: string): string {
  return `stage_${table}`;
}

/** The records as a binary COPY stream, rendered lazily in chunks: memory stays flat however large the batch. */
export function copyRows<K extends TopicId>(mapping: TableMapping<K>, records: ReadonlyArray<TopicRecords[K]>): Readable {
  const cols = mapping.columns;
  const types = cols.map((c) => c.type);
  const values: unknown[] = new Array(cols.length);
  const encoder = new BinaryCopyEncoder();
  let i = 0;
  let finished = false;
  return new Readable({
    read() {
      if (finished) return void this.push(null);
      for (const end = Math.min(i + ROWS_PER_CHUNK, records.length); i < end; i++) {
        const r = records[i]!;
        for (let c = 0; c < cols.length; c++) values[c] = cols[c]!.value(r);
        encoder.row(types, values);
      }
      if (i < records.length) return void this.push(encoder.take());
      finished = true;
      this.push(encoder.finish());
    },
  });
}

const UNIQUE_VIOLATION = '23505';

export class TableWriter {
  private readonly staged = new Set<string>();
  private readonly bets = new Map<string, NewKeysBet>();

  constructor(private readonly client: pg.Client) {}

  /** Temp stage per connection; ON COMMIT DELETE ROWS empties it after every transaction. */
  private async ensureStage(mapping: { table: string; columns: ReadonlyArray<{ name: string; type: string }> }): Promise<string> {
    const name = stageName(mapping.table);
    if (!this.staged.has(name)) {
      const cols = mapping.columns.map((c) => `${c.name} ${c.type}`).join(', ');
      await this.client.query(`CREATE TEMP TABLE IF NOT EXISTS ${name} (${cols}) ON COMMIT DELETE ROWS`);
      this.staged.add(name);
    }
    return name;
  }

  /** COPY the records into the stage and upsert them; must run inside a transaction. */
  async write<K extends TopicId>(mapping: TableMapping<K>, records: ReadonlyArray<TopicRecords[K]>, opts: { truncateFirst?: boolean } = {}): Promise<void> {
    if (!records.length) return;
    if (mapping.newKeysCopyAsIs && (await this.copyIfAllNew(mapping, records))) return;
    const stage = await this.ensureStage(mapping);
    if (opts.truncateFirst) await this.client.query(`TRUNCATE ${stage}`);
    await this.copyInto(stage, mapping, records);
    for (const sql of mapping.upsert) await this.client.query(sql.replaceAll('$stage', stage));
  }

  /** COPY straight into the table; false, rolled back, when a key was already there. */
  private async copyIfAllNew<K extends TopicId>(mapping: TableMapping<K>, records: ReadonlyArray<TopicRecords[K]>): Promise<boolean> {
    let bet = this.bets.get(mapping.table);
    if (!bet) this.bets.set(mapping.table, (bet = new NewKeysBet()));
    if (!bet.take()) return false;
    await this.client.query('SAVEPOINT new_keys');
    try {
      await this.copyInto(mapping.table, mapping, records);
    } catch (err) {
      // Any other error is the caller's: its rollback discards this savepoint too.
      if ((err as { code?: string })?.code !== UNIQUE_VIOLATION) throw err;
      await this.client.query('ROLLBACK TO SAVEPOINT new_keys');
      await this.client.query('RELEASE SAVEPOINT new_keys');
      bet.lost();
      return false;
    }
    await this.client.query('RELEASE SAVEPOINT new_keys');
    bet.won();
    return true;
  }

  private async copyInto<K extends TopicId>(target: string, mapping: TableMapping<K>, records: ReadonlyArray<TopicRecords[K]>): Promise<void> {
    const columns = mapping.columns.map((c) => c.name).join(', ');
    await pipeline(copyRows(mapping, records), this.client.query(copyFrom(`COPY ${target} (${columns}) FROM STDIN (FORMAT binary)`)));
  }

  /** Forget stages, e.g. after the connection was replaced. */
  reset(): void {
    this.staged.clear();
  }
}

/** SQLSTATE classes that blame the data (22 data exception, 23 integrity violation). */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
