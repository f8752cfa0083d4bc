import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresInstance } from '../../deploy/local/postgres-instance.ts';
import { migrateDatabase } from '../../migrations/migrate.ts';
import { scrapeMetric, startComponent, waitFor, writeConfig, type ComponentProcess } from '../../test/chaos/component-process.ts';
import { allRowsWritten, countRows, expectExactTables, faultInputs, produceInputs } from '../../test/chaos/fault-inputs.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';

// PostgreSQL crashes (kill -9) and later restarts while the sink is writing: the sink (a
// real child process, never restarted) retries with backoff, shows the outage in its log
// and metrics, and recovers by itself; offsets never ran ahead of the database, so the
// tables end exactly as a clean run leaves them.

const conn = testConnections();
const METRICS_PORT = 19211;
const server = postgresInstance({ instance: 'pg-faults-sink', port: 19210 });
const inputs = faultInputs({ tickers: 20, minutes: 1000, news: 2000, seed: 66 });
// A third of the candles before the crash, the rest produced as PostgreSQL goes down: however
// fast the sink, it has batches to write while the database is away.
const head = Math.floor(inputs.marketCandles.length / 3);
const before = { marketCandles: inputs.marketCandles.slice(0, head) };
const after = { ...inputs, marketCandles: inputs.marketCandles.slice(head) };
let topics: TestTopics;
let sink: ComponentProcess | undefined;

const metric = (name: string) => scrapeMetric(METRICS_PORT, name);
const until = (what: string, check: () => Promise<boolean>, p: ComponentProcess) => waitFor(what, check, [p]);

beforeAll(async () => {
  await server.destroy();
  await server.up();
  await migrateDatabase(server.url('sink_faults'));
  topics = await testTopics('sink-pg-restart');
  await produceInputs(topics.kafka, conn, topics.prefix, before);
});
afterAll(async () => {
  await sink?.kill('SIGKILL');
  await topics?.cleanup();
  await server.destroy();
});

describe('sink when PostgreSQL crashes and restarts under load', () => {
  it('retries with backoff, reports the outage, recovers without a restart and loses or duplicates nothing', async () => {
    const db = server.url('sink_faults');
    const config = writeConfig({ topics: { prefix: topics.prefix, candleInterval: '1m' }, database: { url: db }, sink: { groupId: `${topics.prefix}sink`, maxBytesPerPartition: 65536 } });
    sink = startComponent(['--config', config, 'run', 'sink'], { METRICS_PORT: String(METRICS_PORT) });
    const p = sink;
    const candles = new Set(before.marketCandles.map((c) => `${c.ticker}@${c.ts}`)).size;

    await until('a third of the candles', async () => (await countRows(db, 'lane_telemetry')) >= candles, p);
    const rest = produceInputs(topics.kafka, conn, topics.prefix, after);
    await server.kill();
    await rest;
    // Down until the sink has failed and retried at least three batches (counts, not time).
    await until('three failed writes', async () => (await metric('ops_pipeline_service_retries_total{component="sink",service="postgres"}')) >= 3, p);
    expect(await metric('ops_pipeline_service_unreachable{component="sink",service="postgres"}')).toBe(1);
    await server.up();

    await until('every row', () => allRowsWritten(db, inputs), p);
    await until('the gauge to clear', async () => (await metric('ops_pipeline_service_unreachable{component="sink",service="postgres"}')) === 0, p);
    expect(p.running()).toBe(true);
    expect(p.output()).toMatch(/postgres write failed; the batch will be retried/);

    await expectExactTables(db, inputs);
    expect((await p.kill('SIGTERM')).code).toBe(0);
  });
});
