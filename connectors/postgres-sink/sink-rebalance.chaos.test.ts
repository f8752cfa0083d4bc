import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/database.ts';
import { groupOf, testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { startComponent, waitFor, writeConfig, type ComponentProcess } from '../../test/chaos/component-process.ts';
import { allRowsWritten, countRows, expectExactTables, faultInputs, produceInputs } from '../../test/chaos/fault-inputs.ts';

// Consumer-group rebalances while the sink writes: a second sink process joins the group
// mid-stream and leaves, once cleanly (SIGTERM) and once by kill -9 (its partitions move
// back after its session expires). Partitions change hands mid-batch; afterwards every
// record's row is there, exactly one per natural key, with the last value.

const conn = testConnections();
const inputs = faultInputs({ tickers: 20, minutes: 1500, news: 3000, seed: 67 });
let topics: TestTopics;
let db: { url: string; drop: () => Promise<void> };
const running: ComponentProcess[] = [];

/** The input in three parts: each member change happens before a part is produced. */
const third = (i: number) => Object.fromEntries(Object.entries(inputs).map(([id, records]) => [id, records.slice((records.length * i) / 3, (records.length * (i + 1)) / 3)]));

async function members(): Promise<number> {
  const { groups } = await topics.admin.describeGroups([groupOf(topics.prefix, 'sink')]);
  return groups[0]?.state === 'Stable' ? groups[0].members.length : -1;
}

beforeAll(async () => {
  topics = await testTopics('sink-rebalance');
  db = await freshDatabase({ migrate: true });
});
afterAll(async () => {
  for (const p of running) await p.kill('SIGKILL');
  await topics?.cleanup();
  await db?.drop();
});

describe('sink during consumer-group rebalances', () => {
  it('loses and duplicates nothing when a second instance joins and leaves (SIGTERM, then kill -9)', async () => {
    const config = writeConfig({ topics: { prefix: topics.prefix, candleInterval: '1m' }, database: { url: db.url }, sink: { maxBytesPerPartition: 65536, sessionTimeoutMs: 10_000 } });
    const args = ['--config', config, 'run', 'sink'];
    const candles = new Set(inputs.marketCandles.map((c) => `${c.ticker}@${c.ts}`)).size;
    const progress = () => countRows(db.url, 'lane_telemetry');

    await produceInputs(topics.kafka, conn, topics.prefix, third(0));
    const first = startComponent(args);
    running.push(first);
    await waitFor('the first sink writing', async () => (await members()) === 1 && (await progress()) > 0, [first]);

    // Joins: the group rebalances while the first sink works through the second part.
    const second = startComponent(args);
    running.push(second);
    await waitFor('a second member', async () => (await members()) === 2, [first, second]);
    const before = await progress();
    await produceInputs(topics.kafka, conn, topics.prefix, third(1));
    await waitFor('progress with two members', async () => (await progress()) >= before + candles * 0.1, [first, second]);
    expect((await second.kill('SIGTERM')).code).toBe(0);
    // It really took partitions over and wrote batches before it left.
    expect(Number(/sink: (\d+) records read/.exec(second.output())?.[1])).toBeGreaterThan(0);

    // Joins, then dies by kill -9 mid-stream: its partitions return after its session expires.
    const last = startComponent(args);
    running.push(last);
    await waitFor('a third member', async () => (await members()) === 2, [first, last]);
    const before2 = await progress();
    await produceInputs(topics.kafka, conn, topics.prefix, third(2));
    await waitFor('progress with the third member', async () => (await progress()) >= before2 + candles * 0.1, [first, last]);
    expect((await last.kill('SIGKILL')).signal).toBe('SIGKILL');

    await waitFor('every row written', () => allRowsWritten(db.url, inputs), [first]);
    expect((await first.kill('SIGTERM')).code).toBe(0);

    await expectExactTables(db.url, inputs);
  });
});
