import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/database.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { killAtEach, killPoints, runToEnd, writeConfig } from '../../test/chaos/component-process.ts';
import { countRows, expectExactTables, faultInputs, produceInputs } from '../../test/chaos/fault-inputs.ts';

// kill -9 of the sink, repeatedly, while it is writing batches (small fetches make many
// transactions; kill points are seeded row counts, not times; each restart waits out the dead
// member's session, ~30 s): after a final run every
// table holds exactly the rows a clean run gives, one per natural key, with the last value.

const conn = testConnections();
const inputs = faultInputs({ tickers: 20, minutes: 1200, news: 3000, seed: 6 });
let topics: TestTopics;
let db: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  topics = await testTopics('sink-kill');
  db = await freshDatabase({ migrate: true });
  await produceInputs(topics.kafka, conn, topics.prefix, inputs);
});
afterAll(async () => {
  await topics?.cleanup();
  await db?.drop();
});

describe('sink under kill -9', () => {
  it('ends with exactly one row per natural key, holding the last value, after repeated kills mid-batch', async () => {
    // The smallest fetch the config allows: ~1000 candles a batch, dozens of transactions.
    const config = writeConfig({ topics: { prefix: topics.prefix, candleInterval: '1m' }, database: { url: db.url }, sink: { groupId: `${topics.prefix}sink`, maxBytesPerPartition: 65536, concurrency: 2, idleExitMs: 3000, sessionTimeoutMs: 10_000 } });
    const args = ['--config', config, 'run', 'sink', '--once'];
    const candles = new Set(inputs.marketCandles.map((c) => `${c.ticker}@${c.ts}`)).size;
    // killAtEach fails if the sink exits before a kill point.
    const kills = await killAtEach(args, () => countRows(db.url, 'lane_telemetry'), killPoints(2024, 3, candles));
    expect(kills.every((k) => k < candles)).toBe(true);
    await runToEnd(args);

    await expectExactTables(db.url, inputs);
  });
});
