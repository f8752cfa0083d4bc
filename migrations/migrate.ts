import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger, migrate } from 'graphile-migrate';
import { connectClient, describeDatabase, ensureDatabase } from '../core/db.ts';
import { logger } from '../core/log.ts';
import { REPO_ROOT } from '../core/repo-root.ts';

// Applies the committed graphile-migrate migrations in this folder. Committed migrations are
// never edited: a schema change is a new migration (see README, "Schema").

const POOL_KEEPALIVE_MS = 200;

export const MIGRATIONS_FOLDER = join(REPO_ROOT, 'migrations');

export interface MigrateResult {
  database: string;
  created: boolean;
  applied: string[];
}

async function appliedMigrations(url: string): Promise<string[]> {
  const client = await connectClient(url);
  try {
    const { rows } = await client.query<{ filename: string }>(
      `SELECT filename FROM graphile_migrate.migrations ORDER BY date, filename`,
    );
    return rows.map((r) => r.filename);
  } catch (err) {
    if ((err as { code?: string }).code === '3F000' || (err as { code?: string }).code === '42P01') return [];
    throw err;
  } finally {
    await client.end();
  }
}

/** Creates the database if missing, then applies pending migrations; a no-op when current. */
export async function migrateDatabase(url: string): Promise<MigrateResult> {
  const log = logger('migrate');
  const created = await ensureDatabase(url);
  const before = new Set(await appliedMigrations(url));
  await migrate({
    connectionString: url,
    migrationsFolder: MIGRATIONS_FOLDER,
    logger: migrateLogger(log),
  });
  // graphile-migrate keeps its pool 200 ms after use and exits the process on any pool
  // error; let the pool close before returning so a later database restart or drop
  // cannot take this process down.
  await sleep(POOL_KEEPALIVE_MS + 50);
  const applied = (await appliedMigrations(url)).filter((f) => !before.has(f));
  log.info({ database: describeDatabase(url), created, applied }, applied.length ? 'migrations applied' : 'schema up to date');
  return { database: describeDatabase(url), created, applied };
}

// graphile-migrate logs through @graphile/logger; route it into the structured log.
function migrateLogger(log: ReturnType<typeof logger>): Logger {
  return new Logger(() => (level, message) => {
    const method = level === 'error' || level === 'warning' ? (level === 'error' ? 'error' : 'warn') : level === 'debug' ? 'debug' : 'info';
    log[method]({ source: 'graphile-migrate' }, message);
  });
}
