import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/avro-codec.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Signal } from '../../schemas/records.ts';
import { committedOffsets, killAtEach, killPoints, runToEnd, writeConfig } from '../../test/chaos/component-process.ts';
import { faultInputs, produceInEventTime } from '../../test/chaos/fault-inputs.ts';
import { testConnections, testTopics, type TestTopics, groupOf } from '../../test/kafka.ts';

// kill -9 of the signals processor (a real child process) at seeded input counts, mid-
// transaction, twice; then a run to the end. `signals` (read_committed) must hold exactly
// what a clean, uninterrupted run over the same inputs produced: same records, none twice.

const conn = testConnections();
const all = faultInputs({ tickers: 40, minutes: 2500, news: 4000, seed: 61 });
// Written in event-time order as from the sources, each revised bar in the minute of its first
// record (within the lateness): nothing is late, and the revision must stand.
const inputs = { newsClassified: all.newsClassified, marketCandles: all.marketCandles };
// A revised bar's volume (7) is far below the lookback's mean: with minVolumeRatio, whether the
// engine decides on the revision or on the first record changes the signals.
const rules = { allowedLatenessSeconds: 300, halfLifeMinutes: 30, buyThreshold: 0.3, sellThreshold: 0.3, cooldownMinutes: 5, maxAdverseMovePct: 100, minVolumeRatio: 0.5 };
let clean: TestTopics;
let chaos: TestTopics;

function configFor(t: TestTopics): string {
  return writeConfig({ topics: { prefix: t.prefix, candleInterval: '1m' }, signals: { idleExitMs: 2000, sessionTimeoutMs: 10_000, rules } });
}

async function signalsOf(t: TestTopics): Promise<string[]> {
  const codec = new AvroCodec(createRegistry(conn.registry));
  const out: string[] = [];
  await readToEnd(t.kafka, topicName('signals', t.prefix), async (m) => void out.push(JSON.stringify(await codec.decode<Signal>(m.value))));
  return out.sort();
}

function committedInputs(admin: Admin, t: TestTopics): Promise<number> {
  return committedOffsets(admin, groupOf(t.prefix, 'signals'), [topicName('newsClassified', t.prefix), topicName('marketCandles', t.prefix)]);
}

beforeAll(async () => {
  clean = await testTopics('signals-clean');
  chaos = await testTopics('signals-kill');
  await produceInEventTime(clean.kafka, new RecordEncoder(createRegistry(conn.registry), clean.prefix), inputs);
  await produceInEventTime(chaos.kafka, new RecordEncoder(createRegistry(conn.registry), chaos.prefix), inputs);
});
afterAll(async () => {
  await clean?.cleanup();
  await chaos?.cleanup();
});

describe('signals processor under kill -9', () => {
  it('produces exactly the signals of a clean run after repeated kills mid-transaction', async () => {
    expect(await runToEnd(['--config', configFor(clean), 'run', 'signals', '--once'])).toMatch(/ 0 late, /);
    const expected = await signalsOf(clean);
    expect(expected.length).toBeGreaterThan(10);

    const args = ['--config', configFor(chaos), 'run', 'signals'];
    const total = inputs.newsClassified.length + inputs.marketCandles.length;
    const kills = await killAtEach(args, () => committedInputs(chaos.admin, chaos), killPoints(7, 2, total));
    expect(kills.every((k) => k < total)).toBe(true);
    await runToEnd([...args, '--once']);

    expect(await committedInputs(chaos.admin, chaos)).toBe(total);
    const actual = await signalsOf(chaos);
    expect(new Set(actual).size).toBe(actual.length);
    expect(actual).toEqual(expected);
  });
});
