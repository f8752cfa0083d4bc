import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../deploy/local/layout.ts';
import { freshDatabase } from '../test/database.ts';
import { deleteSubjects, testConnections, uniquePrefix } from '../test/kafka.ts';
import { createKafka } from '../core/kafka.ts';

// The README's first command, as a user runs it (services already up here): the bundled
// samples go through the real sources and the sink into PostgreSQL; a second run adds nothing.

const conn = testConnections();
const prefix = uniquePrefix('demo');
let db: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  db = await freshDatabase();
});

afterAll(async () => {
  await db?.drop();
  const admin = createKafka(conn.kafka, 'test-demo').admin();
  await admin.connect();
  const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  if (mine.length) await admin.deleteTopics({ topics: mine }).catch(() => {});
  await admin.disconnect();
  await deleteSubjects(conn.registry.url, prefix);
});

async function demo(): Promise<string> {
  const { stdout } = await promisify(execFile)('node', ['bin/ops-pipeline.js', '--topic-prefix', prefix, '--database-url', db.url, 'demo', '--no-services'], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'error' },
  });
  return stdout;
}

async function counts(url = db.url): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT (SELECT count(*)::int FROM inbound_events_raw) AS raw, (SELECT count(*)::int FROM feed_state) AS feeds,
      (SELECT count(*)::int FROM lane_telemetry) AS candles, (SELECT count(*)::int FROM inbound_events_classified) AS classified,
      (SELECT count(*)::int FROM inbound_events_raw WHERE processed_at IS NULL) AS unprocessed`);
    return rows[0];
  } finally {
    await client.end();
  }
}

it('lands the bundled feeds, their classification and the recorded candles in PostgreSQL, idempotently', async () => {
  const first = await demo();
  expect(first).toMatch(/261 new items produced to news.raw/);
  expect(first).toMatch(/59 new candles produced/);
  expect(first).toMatch(/261 items classified with compact-finsent@/);
  expect(await counts()).toEqual({ raw: 261, feeds: 11, candles: 59, classified: 261, unprocessed: 0 });
  const second = await demo();
  expect(second).toMatch(/0 new items produced/);
  expect(await counts()).toEqual({ raw: 261, feeds: 11, candles: 59, classified: 261, unprocessed: 0 });

  // Kafka is the source of truth: the same tables rebuilt into a fresh database.
  const live = await counts();
  const rebuilt = await freshDatabase();
  try {
    await promisify(execFile)('node', ['bin/ops-pipeline.js', '--topic-prefix', prefix, 'replay', 'sink', '--target', rebuilt.url], { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'error' } });
    expect(await counts(rebuilt.url)).toEqual(live);
  } finally {
    await rebuilt.drop();
  }
});
