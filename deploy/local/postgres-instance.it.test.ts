import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runToCompletion } from './process.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresInstance } from './postgres-instance.ts';

// The throwaway cluster the fault and security tests kill and reconfigure: it must come up
// with its own settings, survive a kill -9 with committed data intact, and restart.

const server = postgresInstance({
  instance: 'pg-instance-test',
  port: 19201,
  settings: { application_name: 'from-instance-conf', log_min_messages: 'warning' },
  hba: ['host all refused_user 127.0.0.1/32 reject'],
});

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: server.url(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('postgresInstance', () => {
  beforeAll(async () => {
    await server.destroy();
    await server.up();
  });
  afterAll(async () => {
    await server.destroy();
  });

  it('answers on its own port with the extra settings and pg_hba lines', async () => {
    const [row] = await query<{ application_name: string; port: string }>(`SELECT current_setting('application_name') AS application_name, current_setting('port') AS port`);
    expect(row).toEqual({ application_name: 'from-instance-conf', port: '19201' });
    const refused = new pg.Client({ connectionString: `postgres://refused_user@127.0.0.1:19201/postgres`, connectionTimeoutMillis: 5000 });
    await expect(refused.connect()).rejects.toThrow(/pg_hba.conf rejects/);
  });

  it('keeps committed rows across kill -9 and restart; an open transaction is lost', async () => {
    await query('CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY)');
    await query('INSERT INTO t VALUES (1)');
    const open = new pg.Client({ connectionString: server.url() });
    await open.connect();
    open.on('error', () => {});
    await open.query('BEGIN');
    await open.query('INSERT INTO t VALUES (2)');

    const pid = server.runningPid();
    await server.kill();
    expect(server.runningPid()).toBeUndefined();
    await expect(query('SELECT 1')).rejects.toThrow();
    await open.end().catch(() => {});

    await server.up();
    expect(server.runningPid()).not.toBe(pid);
    expect(await query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }]);

    await server.restart();
    expect(await query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }]);
  });

  it('serves TLS from cert and key files it writes into the data folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-tls-'));
    const r = runToCompletion('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key'), '-out', join(dir, 'crt')]);
    expect(r.status, r.output).toBe(0);
    const tls = postgresInstance({
      instance: 'pg-instance-test-tls',
      port: 19202,
      settings: { ssl: 'on', ssl_cert_file: 'server.crt', ssl_key_file: 'server.key' },
      hba: ['hostnossl all all 127.0.0.1/32 reject'],
      files: { 'server.crt': readFileSync(join(dir, 'crt')), 'server.key': readFileSync(join(dir, 'key')) },
    });
    rmSync(dir, { recursive: true });
    try {
      await tls.destroy();
      await tls.up();
      const plain = new pg.Client({ connectionString: tls.url(), connectionTimeoutMillis: 5000 });
      await expect(plain.connect()).rejects.toThrow(/no encryption/);
      const client = new pg.Client({ connectionString: tls.url(), ssl: { rejectUnauthorized: false }, connectionTimeoutMillis: 5000 });
      await client.connect();
      const { rows } = await client.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      await client.end();
      expect(rows).toEqual([{ ssl: true }]);
    } finally {
      await tls.destroy();
    }
  });
});
