import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../avro-codec.ts';
import { processMetrics } from '../metrics.ts';
import { createRegistry } from '../registry.ts';
import { readToEnd } from '../topic-reader.ts';
import { fillSignalsTopics, signalsInputs } from '../../bench/signals-inputs.ts';
import { recordName, topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Signal } from '../../schemas/records.ts';
import { SignalRules, SignalsConfig } from '../../streams/signals/config.ts';
import { signalsComponent } from '../../streams/signals/component.ts';
import { SignalEngine } from '../../streams/signals/engine.ts';
import { eventTimeOf } from '../../streams/signals/inputs.ts';
import { candleInput, newsInput } from '../../streams/signals/to-input.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { startComponent } from './start-component.ts';

// `threads: 2` runs a processor as two members of its group in one process, each a worker
// thread with its own tasks: the group sees two members, the process's metrics add both up,
// and the signals written are exactly the engine's on the same inputs. A thread finds its
// component in the CLI's registry by name, so a registered one (signals) runs here.

const conn = testConnections();
const rules = SignalRules.parse({ halfLifeMinutes: 30, buyThreshold: 1.2, sellThreshold: 1.2, cooldownMinutes: 60 });
const data = signalsInputs(12_000, 20);
let t: TestTopics;

function engineSignals(): Signal[] {
  const engine = new SignalEngine(rules);
  const all = [...data.news.map(newsInput), ...data.candles.map((c) => candleInput(c, '1m'))].sort((a, b) => eventTimeOf(a) - eventTimeOf(b));
  return all.flatMap((i) => engine.push(i).signals);
}

async function tasksRunning(): Promise<number> {
  const values = (await (await processMetrics()).getSingleMetric('ops_pipeline_tasks_running')?.get())?.values ?? [];
  return values.filter((v) => v.labels.component === 'signals').reduce((n, v) => n + v.value, 0);
}

beforeAll(async () => {
  t = await testTopics('stream-threads');
  await fillSignalsTopics(t.kafka, new RecordEncoder(createRegistry(conn.registry), t.prefix), data);
});
afterAll(() => t?.cleanup());

describe('a processor with two stream threads', () => {
  it('runs as two members of its group in one process and writes exactly the engine\'s signals', async () => {
    const config = SignalsConfig.parse({ idleExitMs: 1500, rules, threads: 2, maxBytesPerPartition: 16_384 });
    const groupId = `${t.prefix}${config.groupId}`;
    const running = await startComponent(signalsComponent, config, { connections: conn, prefix: t.prefix, candleInterval: '1m' }, { once: true });
    let members = 0;
    // The process's tasks_running while the group is stable with both threads in it. During a
    // rebalance it can read more for a moment: a task moving is closing on one thread as it
    // starts on the other.
    const tasksWhileSpread = new Set<number>();
    let finished = false;
    const done = running.done.finally(() => (finished = true));
    while (!finished) {
      const [group] = (await t.admin.describeGroups([groupId])).groups;
      const stable = group?.state === 'Stable' ? group.members.length : 0;
      members = Math.max(members, stable);
      const tasks = await tasksRunning();
      if (stable === 2) tasksWhileSpread.add(tasks);
      await sleep(50);
    }
    const summary = (await done) as { inputs: number; dlq: number };
    expect(members).toBe(2);
    // Nine tasks (three by-ticker, six engine) over both threads, summed by the process's metrics:
    // either thread alone runs four or five.
    expect([...tasksWhileSpread]).toContain(9);
    expect(summary.dlq).toBe(0);
    expect(summary.inputs).toBeGreaterThanOrEqual(data.news.length + data.candles.length);

    const codec = new AvroCodec(createRegistry(conn.registry));
    const written: Signal[] = [];
    await readToEnd(t.kafka, topicName('signals', t.prefix), async (m) => void written.push((await codec.decode(m.value, recordName('signals'))) as Signal));
    const key = (s: Signal) => `${s.ticker}|${s.ts}|${s.action}|${s.reason}`;
    const expected = engineSignals();
    expect(expected.length).toBeGreaterThan(20);
    expect(written.map(key).sort()).toEqual(expected.map(key).sort());
  });
});
