import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicName } from '../../schemas/catalog.ts';
import type { Signal } from '../../schemas/records.ts';
import { runToEnd, settled } from '../../test/chaos/component-process.ts';
import { executorArgs, executorCandles as candles, executorSignals as pending, statusUpdates } from '../../test/chaos/executor-inputs.ts';
import { produceInputs } from '../../test/chaos/fault-inputs.ts';
import { fleetEvents, groupProgress, scaledRun } from '../../test/chaos/scale-out.ts';
import { groupOf, testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';

// The paper executor scaled out: a fleet in one group where instances join, one is killed, one
// leaves and one is frozen past its session timeout and thawed (a zombie). Each task's book moves
// with its partition through the changelog: the status updates in `signals` must be one per
// PENDING signal, the same fills and cancellations as one instance's.

const conn = testConnections();
const SESSION_MS = 6000;
let one: TestTopics;
let fleet: TestTopics;

/** One small fetch per transaction: the run lasts long enough for every event to land mid-work. */
const args = (t: TestTopics, fetch: Record<string, number> = { maxBytesPerPartition: 1024 }) => executorArgs(t.prefix, {}, { sessionTimeoutMs: SESSION_MS, ...fetch });
const progress = async (t: TestTopics) => (await groupProgress(t.admin, groupOf(t.prefix, 'executor'), [topicName('marketCandles', t.prefix)])).committed;

beforeAll(async () => {
  one = await testTopics('executor-scale-one');
  fleet = await testTopics('executor-scale-fleet');
  for (const t of [one, fleet]) await produceInputs(t.kafka, conn, t.prefix, { signals: pending, marketCandles: candles });
});
afterAll(async () => {
  await one?.cleanup();
  await fleet?.cleanup();
});

describe('paper executor scaled out over one group', () => {
  it('a fleet (join, kill, leave, zombie) writes one status update per signal, as one instance does', async () => {
    await runToEnd([...args(one, {}), '--once']);
    const expected = await statusUpdates(one.kafka, conn.registry, one.prefix);
    expect(expected).toHaveLength(pending.length);

    await scaledRun(args(fleet), fleetEvents(candles.length, SESSION_MS), { progress: () => progress(fleet), done: async () => (await progress(fleet)) >= candles.length, total: candles.length });
    const actual = await settled(() => statusUpdates(fleet.kafka, conn.registry, fleet.prefix), (u) => u.length >= expected.length);
    expect(new Set(actual.map((u) => (JSON.parse(u) as Signal).signal_id)).size).toBe(actual.length);
    expect(actual).toEqual(expected);
  });
});
