import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicName } from '../../schemas/catalog.ts';
import type { Signal } from '../../schemas/records.ts';
import { committedOffsets, runToEnd, startComponent, waitFor, type ComponentProcess } from '../../test/chaos/component-process.ts';
import { executorArgs, executorCandles as candles, executorSignals as pending, statusUpdates } from '../../test/chaos/executor-inputs.ts';
import { produceInputs } from '../../test/chaos/fault-inputs.ts';
import { groupOf } from '../../test/kafka.ts';
import { ownBroker, waitForOutage, type OwnBroker } from '../../test/chaos/own-broker.ts';

// The broker stopped and started again while the paper executor works (a real child process
// against a broker of this test's own). Half the candles are in and taken; the broker stays down
// until the executor has reported the outage (metrics and log); it comes back and the other half
// follows. Without a process restart, the status updates must equal a clean run's: one per
// PENDING signal, the same fills and cancellations.

const METRICS_PORT = 19360;
let broker: OwnBroker;
const running: ComponentProcess[] = [];

beforeAll(async () => {
  broker = await ownBroker('kafka-outage-executor', 19350);
});
afterAll(async () => {
  for (const p of running) if (p.running()) console.error(`[executor-outage] ${p.output().slice(-2500)}`);
  for (const p of running) await p.kill('SIGKILL');
  await broker?.remove();
});

describe('paper executor with the broker restarted', () => {
  it('reports the outage, recovers without a restart, and writes exactly the updates of a clean run', async () => {
    const clean = await broker.newPrefix('exec-outage-clean');
    await produceInputs(broker.kafka, broker.conn, clean, { signals: pending, marketCandles: candles });
    await runToEnd([...executorArgs(clean, { kafka: { brokers: [broker.address] } }), '--once'], broker.env);
    const expected = await statusUpdates(broker.kafka, broker.conn.registry, clean);
    expect(expected).toHaveLength(pending.length);
    expect(expected.some((u) => u.includes('"CANCELLED"'))).toBe(true);

    const chaos = await broker.newPrefix('exec-outage-chaos');
    const half = Math.floor(candles.length / 2);
    await produceInputs(broker.kafka, broker.conn, chaos, { signals: pending, marketCandles: candles.slice(0, half) });
    const executor = startComponent(executorArgs(chaos, { kafka: { brokers: [broker.address] } }), { ...broker.env, METRICS_PORT: String(METRICS_PORT) });
    running.push(executor);
    const taken = () => committedOffsets(broker.admin, groupOf(chaos, 'executor'), [topicName('marketCandles', chaos)]);
    await waitFor('the executor to take the first half', async () => (await taken()) >= half, [executor]);

    await broker.stop();
    await waitForOutage('reported', { executor: METRICS_PORT }, [executor]);
    await broker.start();

    await produceInputs(broker.kafka, broker.conn, chaos, { marketCandles: candles.slice(half) });
    await waitFor('the executor to take everything', async () => (await taken()) >= candles.length, [executor]);
    await waitForOutage('cleared', { executor: METRICS_PORT }, [executor]);
    expect(executor.output()).toMatch(/kafka failed; reconnecting after a backoff/);
    expect((await executor.kill('SIGTERM')).code).toBe(0);

    const actual = await statusUpdates(broker.kafka, broker.conn.registry, chaos);
    expect(new Set(actual.map((u) => (JSON.parse(u) as Signal).signal_id)).size).toBe(actual.length);
    expect(actual).toEqual(expected);
  });
});
