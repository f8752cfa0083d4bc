import { afterAll, beforeAll, describe, it } from 'vitest';
import { topicName, type TopicId } from '../../schemas/catalog.ts';
import { writeConfig } from '../../test/chaos/component-process.ts';
import { allRowsWritten, countRows, expectExactTables, faultInputs, produceInputs } from '../../test/chaos/fault-inputs.ts';
import { fleetEvents, groupProgress, scaledRun } from '../../test/chaos/scale-out.ts';
import { freshDatabase } from '../../test/database.ts';
import { groupOf, testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';

// The sink scaled out: a fleet in one group where instances join, one is killed, one leaves and
// one is frozen past its session timeout and thawed (a zombie whose late batches the partition
// fence must refuse). Every table must hold exactly one row per natural key, with the last value.

const conn = testConnections();
const inputs = faultInputs({ tickers: 20, minutes: 2000, news: 4000, seed: 74 });
const SESSION_MS = 6000;
const candles = new Set(inputs.marketCandles.map((c) => `${c.ticker}@${c.ts}`)).size;
let t: TestTopics;
let db: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  t = await testTopics('sink-scale');
  db = await freshDatabase({ migrate: true });
  // Small record batches: with the smallest fetch, many small transactions.
  await produceInputs(t.kafka, conn, t.prefix, inputs, 500);
});
afterAll(async () => {
  await t?.cleanup();
  await db?.drop();
});

describe('sink scaled out over one group', () => {
  it('a fleet (join, kill, leave, zombie) ends with exactly one row per natural key, the last value', async () => {
    const config = writeConfig({ topics: { prefix: t.prefix, candleInterval: '1m' }, database: { url: db.url }, sink: { maxBytesPerPartition: 65536, sessionTimeoutMs: SESSION_MS } });
    const inputTopics = (Object.keys(inputs) as TopicId[]).map((id) => topicName(id, t.prefix));
    const done = async () => {
      const p = await groupProgress(t.admin, groupOf(t.prefix, 'sink'), inputTopics);
      return p.committed >= p.end && (await allRowsWritten(db.url, inputs));
    };
    await scaledRun(['--config', config, 'run', 'sink'], fleetEvents(candles, SESSION_MS), { progress: () => countRows(db.url, 'lane_telemetry'), done, total: candles });
    await expectExactTables(db.url, inputs);
  });
});
