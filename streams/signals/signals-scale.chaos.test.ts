import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/avro-codec.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Signal } from '../../schemas/records.ts';
import { runToEnd, writeConfig } from '../../test/chaos/component-process.ts';
import { faultInputs, produceInEventTime } from '../../test/chaos/fault-inputs.ts';
import { groupProgress, runGroup, type ScaleEvent } from '../../test/chaos/scale-out.ts';
import { groupOf, testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';

// The signals processor scaled out: 2 and 3 instances in one group, and a fleet where instances
// join, one is killed, one is frozen past its session timeout and thawed (a zombie), and one
// leaves, all over the same inputs. Each run's `signals` must equal one instance's, byte for
// byte: partitions are the tasks, their state moves through the changelogs, and a zombie's
// producer is fenced before it can write for a task it lost.

const conn = testConnections();
const all = faultInputs({ tickers: 40, minutes: 1200, news: 2000, seed: 71 });
const inputs = { newsClassified: all.newsClassified, marketCandles: all.marketCandles };
const TOTAL = inputs.newsClassified.length + inputs.marketCandles.length;
const rules = { allowedLatenessSeconds: 300, halfLifeMinutes: 30, buyThreshold: 0.3, sellThreshold: 0.3, cooldownMinutes: 5, maxAdverseMovePct: 100, minVolumeRatio: 0.5 };
/** The broker's minimum: a killed or frozen instance's tasks move after 6 s. */
const SESSION_MS = 6000;

const runs: Record<string, TestTopics> = {};
const topicsOf = (t: TestTopics) => ['newsClassified', 'marketCandles'].map((id) => topicName(id as never, t.prefix));
const internal = (t: TestTopics) => `${groupOf(t.prefix, 'signals')}-news-by-ticker-repartition`;

function args(t: TestTopics): string[] {
  return ['--config', writeConfig({ topics: { prefix: t.prefix, candleInterval: '1m' }, signals: { idleExitMs: 2000, sessionTimeoutMs: SESSION_MS, rules } }), 'run', 'signals'];
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
async function done(t: TestTopics): Promise<boolean> {
  const p = await groupProgress(t.admin, groupOf(t.prefix, 'signals'), [...topicsOf(t), internal(t)]);
  return p.committed >= p.end && (await progress(t)) >= TOTAL;
}

beforeAll(async () => {
  for (const label of ['one', 'two', 'three', 'fleet']) {
    runs[label] = await testTopics(`signals-scale-${label}`);
    await produceInEventTime(runs[label].kafka, new RecordEncoder(createRegistry(conn.registry), runs[label].prefix), inputs);
  }
});
afterAll(async () => {
  for (const t of Object.values(runs)) await t.cleanup();
});

describe('signals scaled out over one group', () => {
  let expected: string[];

  it('one instance: the reference', async () => {
    expect(await runToEnd([...args(runs.one!), '--once'])).toMatch(/ 0 late, /);
    expected = await signalsOf(runs.one!);
    expect(expected.length).toBeGreaterThan(100);
  });

  it.each<[string, ScaleEvent[]]>([
    ['two', [{ at: 0, start: 2 }]],
    ['three', [{ at: 0, start: 3 }]],
    [
      'fleet',
      [
        { at: 0, start: 2 },
        { at: TOTAL * 0.15, start: 1 },
        { at: TOTAL * 0.3, kill: true },
        { at: TOTAL * 0.45, freezeMs: SESSION_MS + 4000 },
        { at: TOTAL * 0.6, stop: true },
        { at: TOTAL * 0.7, start: 1 },
      ],
    ],
  ])('%s: the same signals, byte for byte, none twice', async (label, events) => {
    const t = runs[label]!;
    const run = await runGroup(args(t), events, { progress: () => progress(t), done: () => done(t) });
    // Every event after the start landed while there was still work to do.
    for (const e of run.events.slice(1)) expect(e.progress, JSON.stringify(run.events)).toBeLessThan(TOTAL);
    const actual = await signalsOf(t);
    expect(new Set(actual).size).toBe(actual.length);
    expect(actual).toEqual(expected);
  });
});
