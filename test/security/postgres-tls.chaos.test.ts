import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SinkConfig } from '../../connectors/postgres-sink/config.ts';
import { startPostgresSink } from '../../connectors/postgres-sink/component.ts';
import { loadConnections } from '../../core/config.ts';
import { connectClient, withDatabase } from '../../core/db.ts';
import { AuthenticationError } from '../../core/errors.ts';
import { createRegistry } from '../../core/registry.ts';
import { postgresInstance, type PostgresInstance } from '../../deploy/local/postgres-instance.ts';
import { migrateDatabase } from '../../migrations/migrate.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import { testConnections, testTopics, type TestTopics } from '../kafka.ts';
import { createTestCa, type TestCa } from './tls-fixtures.ts';

// A PostgreSQL cluster of our own that accepts TLS connections only (hostssl trust,
// hostnossl reject), with a certificate from a throwaway CA, and our real clients against
// it through the config: connectClient, graphile-migrate and the sink's COPY + upsert.

const PORT = 19150;
let ca: TestCa;
let server: PostgresInstance | undefined;

beforeAll(async () => {
  ca = createTestCa('postgres');
  const cert = ca.issue('postgres');
  server = postgresInstance({
    instance: 'postgres-tls',
    port: PORT,
    settings: { ssl: true, ssl_cert_file: 'server.crt', ssl_key_file: 'server.key' },
    files: { 'server.crt': cert.cert, 'server.key': cert.key },
    hba: ['hostssl all all 127.0.0.1/32 trust', 'hostnossl all all 127.0.0.1/32 reject'],
    trust: false,
  });
  await server.destroy(); // a folder left by an interrupted run holds another run's files
  await server.up();
});

afterAll(async () => {
  await server?.destroy();
  ca?.remove();
});

/** The config's database URL for `database` on the TLS server, with these env settings. */
function tlsUrl(database: string, env: NodeJS.ProcessEnv = {}): string {
  return loadConnections({ env: { DATABASE_URL: server!.url(database), DATABASE_SSLMODE: 'verify-full', DATABASE_SSL_CA_FILE: ca.caFile, ...env } }).database.url;
}

async function usesTls(client: pg.Client): Promise<boolean> {
  return (await client.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows[0]!.ssl;
}

async function refusal(url: string): Promise<unknown> {
  return connectClient(url).then(
    async (c) => {
      await c.end();
      return undefined;
    },
    (err: unknown) => err,
  );
}

describe('PostgreSQL over TLS', () => {
  it('sslmode=verify-full with the CA connects, encrypted', async () => {
    const client = await connectClient(tlsUrl('postgres'));
    try {
      expect(await usesTls(client)).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('sslmode=require connects without checking the certificate (libpq semantics)', async () => {
    const url = loadConnections({ env: { DATABASE_URL: server!.url(), DATABASE_SSLMODE: 'require' } }).database.url;
    const client = await connectClient(url);
    try {
      expect(await usesTls(client)).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('verify-full refuses a certificate from another CA, and a plaintext client is refused: AuthenticationError', async () => {
    const other = createTestCa('postgres-other');
    try {
      const wrongCa = await refusal(tlsUrl('postgres', { DATABASE_SSL_CA_FILE: other.caFile }));
      expect(wrongCa).toBeInstanceOf(AuthenticationError);
      expect((wrongCa as Error).message).toMatch(/PostgreSQL at 127\.0\.0\.1:19150\/postgres refused the connection: .*certificate/);
    } finally {
      other.remove();
    }
    const plain = await refusal(server!.url());
    expect(plain).toBeInstanceOf(AuthenticationError);
    expect((plain as Error).message).toMatch(/no encryption/);
  });

  it('a server without TLS is refused under sslmode=require', async () => {
    // The machine's shared server runs with ssl=off.
    const shared = testConnections().database.url;
    const url = loadConnections({ env: { DATABASE_URL: withDatabase(shared, 'postgres'), DATABASE_SSLMODE: 'require' } }).database.url;
    const err = await refusal(url);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toMatch(/does not support SSL/);
  });

  describe('migrate and the sink over TLS', () => {
    let topics: TestTopics;
    afterAll(async () => {
      await topics?.cleanup();
    });

    it('migrate creates and migrates the database, and the sink COPYs and upserts into it', async () => {
      const url = tlsUrl('ops_pipeline_tls');
      const migrated = await migrateDatabase(url);
      expect(migrated.created).toBe(true);
      expect(migrated.applied.length).toBeGreaterThan(0);

      topics = await testTopics('pgtls');
      const conn = testConnections();
      const encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
      const producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const ts = Date.UTC(2024, 0, 2, 14, 30);
      const candles = ['AAPL', 'MSFT'].map((ticker) => ({ ticker, ts, interval: '1m', open: 10, high: 11, low: 9, close: 10.5, adjclose: null, volume: 100, source: 'yahoo' }));
      await producer.send({ topic: topicName('marketCandles', topics.prefix), acks: -1, messages: await encoder.messages('marketCandles', candles) });
      await producer.disconnect();

      const handle = await startPostgresSink({
        connections: { ...conn, database: { url } },
        config: SinkConfig.parse({ groupId: `${topics.prefix}sink`, idleExitMs: 2500, maxWaitTimeMs: 100 }),
        prefix: topics.prefix,
        candleInterval: '1m',
        once: true,
      });
      const summary = await handle.done;
      expect(summary.dlq).toBe(0);

      const client = await connectClient(url);
      try {
        expect(await usesTls(client)).toBe(true);
        const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM lane_telemetry');
        expect(rows[0]!.n).toBe(2);
      } finally {
        await client.end();
      }
    });
  });
});
