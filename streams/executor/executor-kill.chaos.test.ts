import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicName } from '../../schemas/catalog.ts';
import type { Signal } from '../../schemas/records.ts';
import { committedOffsets, killAtEach, killPoints, runToEnd, startComponent, waitFor } from '../../test/chaos/component-process.ts';
import { executorArgs, executorCandles as candles, executorSignals as pending, statusUpdates } from '../../test/chaos/executor-inputs.ts';
import { produceInputs } from '../../test/chaos/fault-inputs.ts';
import { testConnections, testTopics, type TestTopics, groupOf } from '../../test/kafka.ts';

// kill -9 of the paper executor (a real child process, `run executor`) three times at seeded
// committed-candle counts while candles stream in; then it runs on to the end. The status
// updates in `signals` (read_committed) must be exactly one per PENDING signal and the same as
// a clean run's over the same inputs: fills at the same bar and price, the same cancellations.

const conn = testConnections();
const CHUNK = 400;
let clean: TestTopics;
let chaos: TestTopics;

beforeAll(async () => {
  clean = await testTopics('executor-clean');
  chaos = await testTopics('executor-kill');
  await produceInputs(clean.kafka, conn, clean.prefix, { signals: pending, marketCandles: candles });
  await produceInputs(chaos.kafka, conn, chaos.prefix, { signals: pending });
});
afterAll(async () => {
  await clean?.cleanup();
  await chaos?.cleanup();
});

describe('paper executor under kill -9', () => {
  it('writes exactly one status update per signal, as a clean run does, after repeated kills mid-transaction', async () => {
    await runToEnd([...executorArgs(clean.prefix), '--once']);
    const expected = await statusUpdates(clean.kafka, conn.registry, clean.prefix);
    expect(expected).toHaveLength(pending.length);
    expect(expected.some((u) => u.includes('"CANCELLED"'))).toBe(true);

    const args = executorArgs(chaos.prefix);
    const candlesTopic = topicName('marketCandles', chaos.prefix);
    const progress = () => committedOffsets(chaos.admin, groupOf(chaos.prefix, 'executor'), [candlesTopic]);
    // Candles arrive while the executor runs, at most two chunks ahead of what it committed.
    let produced = 0;
    const feeder = (async () => {
      while (produced < candles.length) {
        while ((await progress()) < produced - CHUNK) await sleep(50);
        await produceInputs(chaos.kafka, conn, chaos.prefix, { marketCandles: candles.slice(produced, produced + CHUNK) });
        produced += CHUNK;
      }
    })();
    // A start commits all it read at once (up to two chunks): the points leave room for that.
    const kills = await killAtEach(args, progress, killPoints(23, 3, candles.length - 2 * CHUNK));
    expect(kills.map((k) => k !== undefined && k < candles.length), JSON.stringify(kills)).toEqual([true, true, true]);
    const last = startComponent(args);
    await feeder;
    await waitFor('every candle committed', async () => (await progress()) >= candles.length, [last]);
    expect((await last.kill('SIGTERM')).code).toBe(0);
    await runToEnd([...args, '--once']);

    const actual = await statusUpdates(chaos.kafka, conn.registry, chaos.prefix);
    expect(new Set(actual.map((u) => (JSON.parse(u) as Signal).signal_id)).size).toBe(actual.length);
    expect(actual).toEqual(expected);
  });
});
