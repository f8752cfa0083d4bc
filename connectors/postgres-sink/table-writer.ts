import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { TopicId } from '../../schemas/catalog.ts';
import type { TopicRecords } from '../../schemas/records.ts';
import { copyCell } from './copy-text.ts';
import type { TableMapping } from './mappings.ts';

// Writes a micro-batch of one topic into its table: COPY into a session-local stage table,
// then the mapping's upsert statements, inside the caller's transaction.

const ROWS_PER_CHUNK = 2000;

export function stageName(table: string): string {
  return `stage_${table}`;
}

function copyRows<K extends TopicId>(mapping: TableMapping<K>, records: ReadonlyArray<TopicRecords[K]>): Readable {
  const cols = mapping.columns;
  let i = 0;
  // Rows are rendered lazily in chunks: memory stays flat however large the batch.
  return new Readable({
    read() {
      if (i >= records.length) {
        this.push(null);
        return;
      }
      const end = Math.min(i + ROWS_PER_CHUNK, records.length);
      let chunk = '';
      for (; i < end; i++) {
        const r = records[i]!;
        let line = '';
        for (let c = 0; c < cols.length; c++) {
          const col = cols[c]!;
          line += (c ? '\t' : '') + copyCell(col.type, col.value(r));
        }
        chunk += `${line}\n`;
      }
      this.push(chunk);
    },
  });
}

export class TableWriter {
  private readonly staged = new Set<string>();

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
    const stage = await this.ensureStage(mapping);
    if (opts.truncateFirst) await this.client.query(`TRUNCATE ${stage}`);
    const columns = mapping.columns.map((c) => c.name).join(', ');
    const copy = this.client.query(copyFrom(`COPY ${stage} (${columns}) FROM STDIN`));
    await pipeline(copyRows(mapping, records), copy);
    for (const sql of mapping.upsert) await this.client.query(sql.replaceAll('$stage', stage));
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
