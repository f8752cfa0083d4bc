import { randomBytes } from 'node:crypto';
import { loadConnections } from '../core/config.ts';
import { dropDatabase, ensureDatabase, withDatabase } from '../core/db.ts';
import { migrateDatabase } from '../migrations/migrate.ts';

/** A fresh, uniquely named database on the configured server; `drop()` removes it. */
export async function freshDatabase(opts: { migrate?: boolean } = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = loadConnections({}).database.url;
  const url = withDatabase(base, `opsp_test_${randomBytes(5).toString('hex')}`);
  if (opts.migrate) await migrateDatabase(url);
  else await ensureDatabase(url);
  return { url, drop: () => dropDatabase(url) };
}
