import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/avro-codec.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Signal } from '../../schemas/records.ts';
import { runToEnd, settled, writeConfig } from '../../test/chaos/component-process.ts';
import { faultInputs, produceInEventTime, type FaultInputs } from '../../test/chaos/fault-inputs.ts';
import { fleetEvents, groupProgress, scaledRun, type ScaleEvent } from '../../test/chaos/scale-out.ts';
import { groupOf, testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';

// The signals processor scaled out: 2 and 3 instances in one group, two processes of two stream
// threads (one killed, another joining), and a fleet where instances join, one is killed, one is
// frozen past its session timeout and thawed (a zombie), and one leaves, all over the same inputs.
// Each run's `signals` must equal one instance's, byte for byte: partitions are the tasks, their
// state moves through the changelogs, and a zombie's producer is fenced before it can write for a
// task it lost.

const conn = testConnections();
/** A dataset and its runs: the same inputs under each label's topics. */
interface Dataset {
  inputs: Pick<FaultInputs, 'newsClassified' | 'marketCandles'>;
  total: number;
  runs: Record<string, TestTopics>;
}
function dataset(o: Parameters<typeof faultInputs>[0]): Dataset {
  const all = faultInputs(o);
  const inputs = { newsClassified: all.newsClassified, marketCandles: all.marketCandles };
  return { inputs, total: inputs.newsClassified.length + inputs.marketCandles.length, runs: {} };
}
/** Two and three instances: a short run. */
const small = dataset({ tickers: 40, minutes: 1200, news: 2000, seed: 71 });
/** The fleet: long enough that one instance alone is still busy after a freeze past the session timeout. */
const large = dataset({ tickers: 40, minutes: 3600, news: 6000, seed: 72 });
const rules = { allowedLatenessSeconds: 300, halfLifeMinutes: 30, buyThreshold: 0.3, sellThreshold: 0.3, cooldownMinutes: 5, maxAdverseMovePct: 100, minVolumeRatio: 0.5 };
/** The broker's minimum: a killed or frozen instance's tasks move after 6 s. */
const SESSION_MS = 6000;
/**
 * Scaled runs fetch little at a time: many small transactions, so a run lasts long enough for
 * every event to land mid-work. References fetch the default: batching must not matter.
 */
const SMALL_FETCH = 8192;

const topicsOf = (t: TestTopics) => ['newsClassified', 'marketCandles'].map((id) => topicName(id as never, t.prefix));
const internal = (t: TestTopics) => `${groupOf(t.prefix, 'signals')}-news-by-ticker-repartition`;

function args(t: TestTopics, fetch: { maxBytesPerPartition?: number } = { maxBytesPerPartition: SMALL_FETCH }, threads = 1): string[] {
  return ['--config', writeConfig({ topics: { prefix: t.prefix, candleInterval: '1m' }, signals: { idleExitMs: 2000, sessionTimeoutMs: SESSION_MS, ...fetch, rules, threads } }), 'run', 'signals'];
}

async function signalsOf(t: TestTopics): Promise<string[]> {
  const codec = new AvroCodec(createRegistry(conn.registry));
  const out: string[] = [];
  await readToEnd(t.kafka, topicName('signals', t.prefix), async (m) => void out.push(JSON.stringify(await codec.decode<Signal>(m.value))));
  return out.sort();
}

/** Inputs committed by the group: the catalog topics (stage by-ticker reads the news, engine the candles). */
const progress = async (t: TestTopics) => (await groupProgress(t.admin, groupOf(t.prefix, 'signals'), topicsOf(t))).committed;
/** Done: every input and every repartitioned record committed. */
async function done(t: TestTopics, total: number): Promise<boolean> {
  const p = await groupProgress(t.admin, groupOf(t.prefix, 'signals'), [...topicsOf(t), internal(t)]);
  return p.committed >= p.end && (await progress(t)) >= total;
}

beforeAll(async () => {
  for (const [d, labels] of [
    [small, ['one', 'two', 'three', 'threads']],
    [large, ['one', 'fleet']],
  ] as const) {
    for (const label of labels) {
      d.runs[label] = await testTopics(`signals-scale-${label}`);
      await produceInEventTime(d.runs[label].kafka, new RecordEncoder(createRegistry(conn.registry), d.runs[label].prefix), d.inputs);
    }
  }
});
afterAll(async () => {
  for (const t of [...Object.values(small.runs), ...Object.values(large.runs)]) await t.cleanup();
});

/** One instance over the dataset: the reference. */
async function reference(d: Dataset): Promise<string[]> {
  expect(await runToEnd([...args(d.runs.one!, {}), '--once'])).toMatch(/ 0 late, /);
  const expected = await signalsOf(d.runs.one!);
  expect(expected.length).toBeGreaterThan(100);
  return expected;
}

/** Runs `events` over the dataset's `label` topics; the signals must be the reference's. */
async function scaled(d: Dataset, label: string, events: ScaleEvent[], expected: string[], threads = 1): Promise<void> {
  const t = d.runs[label]!;
  await scaledRun(args(t, undefined, threads), events, { progress: () => progress(t), done: () => done(t, d.total), total: d.total });
  const actual = await settled(() => signalsOf(t), (s) => s.length >= expected.length);
  expect(new Set(actual).size).toBe(actual.length);
  expect(actual).toEqual(expected);
}

describe('signals scaled out over one group: the same signals as one instance, byte for byte, none twice', () => {
  let expected: string[];
  it('one instance: the reference', async () => {
    expected = await reference(small);
  });
  it('two instances', () => scaled(small, 'two', [{ at: 0, start: 2 }], expected));
  it('three instances', () => scaled(small, 'three', [{ at: 0, start: 3 }], expected));
  // Stream threads are members like instances: a process of two threads killed mid-run (SIGKILL)
  // takes both with it, and a third process takes their tasks over.
  it('two processes of two stream threads, one killed, one joining', () =>
    scaled(small, 'threads', [{ at: 0, start: 2 }, { at: small.total * 0.3, kill: true }, { at: small.total * 0.4, start: 1 }], expected, 2));

  it('a fleet: instances join, one is killed, one frozen past its session (a zombie), one leaves', async () => {
    await scaled(large, 'fleet', fleetEvents(large.total, SESSION_MS), await reference(large));
  });
});
