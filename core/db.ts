import pg from 'pg';
import { AuthenticationError, ConfigError, ServiceUnreachableError } from './errors.ts';

// PostgreSQL helpers shared by the CLI, the sink and tests.

/** Host and database of a URL, for messages; never the password. */
export function describeDatabase(url: string): string {
  const u = new URL(url);
  return `${u.host}${u.pathname}`;
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** The same server, another database (e.g. `postgres` for CREATE DATABASE). */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

/**
 * An identifier (e.g. a database name from a URL) quoted by node-postgres' own escaping:
 * the one way a name enters SQL text (values go in as parameters). The source-safety test
 * allows `${...}` in a query only around this helper.
 */
export function quoteIdent(name: string): string {
  return pg.escapeIdentifier(name);
}

// Refused credentials (invalid_authorization_specification, invalid_password) and TLS
// failures are configuration problems, not an unreachable server.
const AUTH_SQLSTATES = new Set(['28000', '28P01']);
const TLS_FAILURE = /SSL|TLS|certificate|self[- ]signed|unable to verify|Hostname\/IP does not match/i;

/**
 * Connects a client, turning refused credentials or a failed TLS check into
 * AuthenticationError and a refused or timed-out connection into ServiceUnreachableError.
 * TLS settings travel in the URL (sslmode, sslrootcert; see core/connection-security.ts).
 */
export async function connectClient(url: string, timeoutMs = 5000): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    const e = err as Error & { code?: string };
    if ((e.code && AUTH_SQLSTATES.has(e.code)) || TLS_FAILURE.test(String(e.message))) {
      throw new AuthenticationError('PostgreSQL', describeDatabase(url), e.message, { cause: err });
    }
    // invalid_catalog_name: the server answered; the database is not created yet.
    if (e.code === '3D000') throw new ConfigError(`${e.message} at ${describeDatabase(url)}: create it and its tables with \`npx ops-pipeline migrate\``, 'database.url');
    throw new ServiceUnreachableError('PostgreSQL', describeDatabase(url), { cause: err });
  }
  return client;
}

export function createPool(url: string, max = 4): pg.Pool {
  return new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 });
}

/** Creates the URL's database when it does not exist yet; returns whether it did. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  const admin = await connectClient(withDatabase(url, 'postgres'));
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    return true;
  } catch (err) {
    // Two processes racing to create it: the loser finds it there.
    if ((err as { code?: string }).code === '42P04') return false;
    throw err;
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const admin = await connectClient(withDatabase(url, 'postgres'));
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName(url))} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
