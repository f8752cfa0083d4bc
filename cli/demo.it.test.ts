import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../deploy/local/layout.ts';
import { SAMPLE_INTERVAL } from './load-sample.ts';
import { freshDatabase } from '../test/database.ts';
import { deleteSubjects, testConnections, uniquePrefix } from '../test/kafka.ts';
import { createKafka } from '../core/kafka.ts';

// The README's first command, as a user runs it (services already up here): the bundled
// samples go through the real sources, classify, signals and the sink into PostgreSQL, and a
// backtest over the sample's range writes its report; a second run adds nothing.

const conn = testConnections();
const prefix = uniquePrefix('demo');
let db: { url: string; drop: () => Promise<void> };
const out = mkdtempSync(join(tmpdir(), 'demo-backtest-'));

beforeAll(async () => {
  db = await freshDatabase();
});

afterAll(async () => {
  rmSync(out, { recursive: true, force: true });
  await db?.drop();
  const admin = createKafka(conn.kafka, 'test-demo').admin();
  await admin.connect();
  const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  if (mine.length) await admin.deleteTopics({ topics: mine }).catch(() => {});
  await admin.disconnect();
  await deleteSubjects(conn.registry.url, prefix);
});

async function demo(): Promise<string> {
  const { stdout } = await promisify(execFile)('node', ['bin/ops-pipeline.js', '--topic-prefix', prefix, '--database-url', db.url, 'demo', '--no-services', '--out', out], {
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
      (SELECT count(*)::int FROM inbound_events_raw WHERE processed_at IS NULL) AS unprocessed,
      (SELECT count(*)::int FROM dispatch_recommendations) AS signals`);
    return rows[0];
  } finally {
    await client.end();
  }
}

it('lands the bundled sample, its classification, signals and a backtest report, idempotently', async () => {
  const first = await demo();
  // samples/rss (261 items) + samples/news (52 headlines of 2020).
  expect(first).toMatch(/313 new items produced to news.raw/);
  expect(first).toMatch(/59 new candles produced/);
  expect(first).toMatch(/313 items classified with \S+@/);
  const landed = await counts();
  expect(landed).toMatchObject({ raw: 313, feeds: 12, candles: 59, classified: 313, unprocessed: 0 });
  // The 2020 headlines meet the recorded AAPL bars: the default rules make signals.
  expect(landed.signals).toBeGreaterThan(0);
  // The backtest over the sample's range finds the same signals the live processor made.
  const report = readFileSync(join(out, 'report.md'), 'utf8');
  expect(report).toContain(`Signals: ${landed.signals} (`);
  expect(report).toMatch(/\| 60 min \| \d+ \| [\d.]+ % \|/);
  for (const f of ['signals.csv', 'trades.csv', 'report.html', 'equity.svg']) expect(existsSync(join(out, f))).toBe(true);
  expect(first).toContain(`${landed.signals} signals (BUY`);
  expect(first).toContain(`report: ${join(out, 'report.md')}`);

  const second = await demo();
  expect(second).toMatch(/ 0 new items produced/);
  expect(second).toMatch(/ 0 new signals/);
  expect(await counts()).toEqual(landed);

  // Kafka is the source of truth: the same tables rebuilt into a fresh database.
  const live = await counts();
  const rebuilt = await freshDatabase();
  try {
    await promisify(execFile)('node', ['bin/ops-pipeline.js', '--topic-prefix', prefix, '--candle-interval', SAMPLE_INTERVAL, 'replay', 'sink', '--target', rebuilt.url], { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'error' } });
    expect(await counts(rebuilt.url)).toEqual(live);
  } finally {
    await rebuilt.drop();
  }
});
