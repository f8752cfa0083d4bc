import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_CHART_DIR } from '../../cli/load-sample.ts';
import { AvroCodec } from '../../core/avro-codec.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { recordName, topicName } from '../../schemas/catalog.ts';
import type { Candle } from '../../schemas/records.ts';
import { killPoints, killRunsAt, runToEnd, writeConfig } from '../../test/chaos/component-process.ts';
import { freshDatabase } from '../../test/database.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { loadRecordings } from './recorded-fetch.ts';

// kill -9 of the candles source (a real child process, `run candles --once --replay` over the
// recorded Yahoo responses, each answered after a delay like a slow Yahoo) three times at seeded
// counts of candles produced; then a run to the end and the sink. Each run is killed mid-pass:
// after bars of its own (a point earlier runs passed does not count), within a poll (25 ms) of
// them, so while the next ticker's request waits its 150 ms, with bars left for the next run. market.candles must hold every bar of a clean run, none twice (the source
// resumes after the last bar in the topic), and lane_telemetry must end exactly as after the
// clean run.

const conn = testConnections();
const WATCHLIST = [...new Set(loadRecordings(SAMPLE_CHART_DIR).filter((r) => r.interval === '1d').map((r) => r.symbol))].sort();
let clean: TestTopics;
let chaos: TestTopics;
const dbs: Array<{ url: string; drop: () => Promise<void> }> = [];

function argsFor(t: TestTopics): string[] {
  const candles = { watchlist: WATCHLIST, backfillDays: 3650, includeTickersFromNews: false, concurrency: 1 };
  return ['--config', writeConfig({ topics: { prefix: t.prefix, candleInterval: '1d' }, candles }), 'run', 'candles', '--once', '--replay', SAMPLE_CHART_DIR, '--replay-latency', '150'];
}

async function candlesOf(t: TestTopics): Promise<string[]> {
  const codec = new AvroCodec(createRegistry(conn.registry));
  const out: string[] = [];
  await readToEnd(t.kafka, topicName('marketCandles', t.prefix), async (m) => void out.push(JSON.stringify(await codec.decode<Candle>(m.value, recordName('marketCandles')))));
  return out.sort();
}

async function produced(t: TestTopics): Promise<number> {
  return (await t.admin.fetchTopicOffsets(topicName('marketCandles', t.prefix))).reduce((n, p) => n + Number(p.high), 0);
}

/** lane_telemetry after the sink drained the topics into a fresh database. */
async function tableAfterSink(t: TestTopics): Promise<unknown[]> {
  const db = await freshDatabase({ migrate: true });
  dbs.push(db);
  const config = writeConfig({ topics: { prefix: t.prefix, candleInterval: '1d' }, database: { url: db.url }, sink: { groupId: `${t.prefix}sink`, idleExitMs: 1500 } });
  await runToEnd(['--config', config, 'run', 'sink', '--once']);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query('SELECT ticker, ts, open, high, low, close, volume FROM lane_telemetry ORDER BY ticker, ts')).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  clean = await testTopics('candles-clean');
  chaos = await testTopics('candles-kill');
});
afterAll(async () => {
  for (const db of dbs) await db.drop();
  await clean?.cleanup();
  await chaos?.cleanup();
});

describe('candles source under kill -9', () => {
  it('produces every bar once, as a clean run does, after repeated kills mid-pass; the table ends exact', async () => {
    await runToEnd(argsFor(clean));
    const expected = await candlesOf(clean);
    expect(expected.length).toBeGreaterThan(50);

    const args = argsFor(chaos);
    const kills = await killRunsAt(args, () => produced(chaos), killPoints(31, 3, expected.length));
    // Each killed run produced bars itself and left some: it was killed in the middle of its pass.
    expect(kills.map((k) => k.from < k.left && k.left < expected.length), JSON.stringify(kills)).toEqual([true, true, true]);
    await runToEnd(args);

    expect(await candlesOf(chaos)).toEqual(expected);
    const table = await tableAfterSink(clean);
    expect(table.length).toBe(expected.length);
    expect(await tableAfterSink(chaos)).toEqual(table);
  });
});
