import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { AvroCodec } from '../core/avro-codec.ts';
import { createRegistry } from '../core/registry.ts';
import { readToEnd } from '../core/topic-reader.ts';
import { recordName, topicName, type TopicId } from '../schemas/catalog.ts';
import { RecordEncoder } from '../schemas/record-encoder.ts';
import type { NewsClassified, Signal } from '../schemas/records.ts';
import { committedOffsets, runToEnd, scrapeMetric, settled, startComponent, waitFor, writeConfig, type ComponentProcess } from '../test/chaos/component-process.ts';
import { actualTables, faultInputs, produceInEventTime, produceInputs, type FaultInputs } from '../test/chaos/fault-inputs.ts';
import { freshDatabase } from '../test/database.ts';
import { groupOf } from '../test/kafka.ts';
import { ownBroker, waitForOutage, type OwnBroker } from '../test/chaos/own-broker.ts';
import { MODELS_DIR } from './classify/model/sentiment-model.ts';

// The broker stopped and started again under load. Sink, signals and classify run as real
// child processes against a broker of this test's own (never the shared one); half the input is
// in, the broker goes down until each component has reported the outage (metrics and log), comes
// back, the other half follows. Without a process restart, every output must equal a clean run's
// over the same input: the tables, the signals, one classification per news item.

const METRICS = { sink: 19310, signals: 19311, classify: 19312 } as const;
const model = join(mkdtempSync(join(tmpdir(), 'opsp-outage-model-')), 'compact-finsent');

const all = faultInputs({ tickers: 20, minutes: 1500, news: 2000, seed: 91 });
const newsRaw = all.newsRaw;
const firstHalfOf = <T>(records: T[], half: 0 | 1) => records.filter((_, i) => (i < records.length / 2) === (half === 0));
// Signals' inputs in event time, without late corrections: halves split by time, each written
// window by window as live data arrives (the second half is written while signals runs, so its
// output must not depend on when it reads). The raw news and feed states are for the sink's tables.
const MID = all.marketCandles[Math.floor(all.marketCandles.length / 2)]!.ts;
const signalsInput = (half: 0 | 1) => ({
  newsClassified: all.newsClassified.filter((n) => (n.event_time < MID) === (half === 0)),
  marketCandles: all.marketCandles.filter((c) => (c.ts < MID) === (half === 0)),
});
const sinkOnlyInput = (half: 0 | 1): Partial<FaultInputs> => ({ newsRaw: firstHalfOf(newsRaw, half), feedsState: firstHalfOf(all.feedsState, half) });
const classifyInput = (half: 0 | 1): Partial<FaultInputs> => ({ newsRaw: firstHalfOf(newsRaw, half) });
const signalsInputCount = (half: 0 | 1) => Object.values(signalsInput(half)).reduce((n, r) => n + r.length, 0);

let broker: OwnBroker;
const dbs: Array<{ url: string; drop: () => Promise<void> }> = [];
const running: ComponentProcess[] = [];

/** One run: topics for signals + sink and (apart, so its output does not feed signals) for classify. */
async function newRun(label: string) {
  const run = { sig: await broker.newPrefix(`${label}-sig`), cls: await broker.newPrefix(`${label}-cls`), db: await freshDatabase({ migrate: true }) };
  dbs.push(run.db);
  const ids = (_name: string, _prefix: string) => ({ idleExitMs: 2000 });
  // A revised bar's volume (7) is far below the lookback's mean: with minVolumeRatio, whether the
  // engine decides on the revision or on the first record changes the signals.
  const rules = { allowedLatenessSeconds: 300, halfLifeMinutes: 30, buyThreshold: 0.3, sellThreshold: 0.3, cooldownMinutes: 5, maxAdverseMovePct: 100, minVolumeRatio: 0.5 };
  const sigConfig = writeConfig({ kafka: { brokers: [broker.address] }, topics: { prefix: run.sig, candleInterval: '1m' }, database: { url: run.db.url }, signals: { ...ids('signals', run.sig), rules }, sink: { idleExitMs: 2000 } });
  const clsConfig = writeConfig({ kafka: { brokers: [broker.address] }, topics: { prefix: run.cls, candleInterval: '1m' }, classify: { ...ids('classify', run.cls), batchSize: 16, maxBytesPerPartition: 8192 } });
  return {
    ...run,
    args: { signals: ['--config', sigConfig, 'run', 'signals'], sink: ['--config', sigConfig, 'run', 'sink'], classify: ['--config', clsConfig, 'run', 'classify', '--model', model] },
    produce: async (half: 0 | 1) => {
      await produceInputs(broker.kafka, broker.conn, run.sig, sinkOnlyInput(half), 200);
      await produceInEventTime(broker.kafka, new RecordEncoder(createRegistry(broker.conn.registry), run.sig), signalsInput(half));
      await produceInputs(broker.kafka, broker.conn, run.cls, classifyInput(half), 60);
    },
  };
}

async function decoded<T>(topic: string, name: string): Promise<T[]> {
  const codec = new AvroCodec(createRegistry(broker.conn.registry));
  const out: T[] = [];
  await readToEnd(broker.kafka, topic, async (m) => void out.push(await codec.decode<T>(m.value, name)));
  return out;
}

/** Everything a run produced, in a comparable form. */
async function outputsOf(run: Awaited<ReturnType<typeof newRun>>) {
  const signals = (await decoded<Signal>(topicName('signals', run.sig), recordName('signals'))).map((s) => JSON.stringify(s)).sort();
  const classified = (await decoded<NewsClassified>(topicName('newsClassified', run.cls), recordName('newsClassified'))).map((c) => JSON.stringify([c.event_uid, c.sentiment_label, c.tickers])).sort();
  return { signals, classified, tables: await actualTables(run.db.url) };
}

const step = (what: string) => console.error(`[outage] ${new Date().toISOString()} ${what}`);
const inputTotal = (prefix: string, ids: TopicId[]) => ids.map((id) => topicName(id, prefix));

beforeAll(async () => {
  cpSync(join(MODELS_DIR, 'compact-finsent'), model, { recursive: true });
  broker = await ownBroker('kafka-outage', 19300);
});
afterAll(async () => {
  // A failed run: what each component said last, to tell which one stopped where.
  for (const p of running) if (p.running()) console.error(`[outage] ${p.child.spawnargs.slice(-3).join(' ')}:\n${p.output().slice(-2500)}`);
  for (const p of running) await p.kill('SIGKILL');
  await broker?.remove();
  for (const db of dbs) await db.drop().catch(() => {});
});

describe('broker restarted under load', () => {
  it('sink, signals and classify report the outage, recover without a restart, and lose or duplicate nothing', async () => {
    step('clean run');
    const clean = await newRun('outage-clean');
    await clean.produce(0);
    await clean.produce(1);
    // Nothing late: a late input would make the result depend on when it was read.
    expect(await runToEnd([...clean.args.signals, '--once'], broker.env)).toMatch(/ 0 late, /);
    await runToEnd([...clean.args.sink, '--once'], broker.env);
    await runToEnd([...clean.args.classify, '--once'], broker.env);
    const expected = await outputsOf(clean);
    expect(expected.signals.length).toBeGreaterThan(10);
    expect(expected.classified).toHaveLength(newsRaw.length);

    step('chaos run: first half');
    const chaos = await newRun('outage-chaos');
    await chaos.produce(0);
    const procs = {
      sink: startComponent(chaos.args.sink, { ...broker.env, METRICS_PORT: String(METRICS.sink) }),
      signals: startComponent(chaos.args.signals, { ...broker.env, METRICS_PORT: String(METRICS.signals) }),
      classify: startComponent(chaos.args.classify, { ...broker.env, METRICS_PORT: String(METRICS.classify) }),
    };
    running.push(...Object.values(procs));
    const live = Object.values(procs);
    await waitFor('signals to take the first half', async () => (await committedOffsets(broker.admin, groupOf(chaos.sig, 'signals'), inputTotal(chaos.sig, ['newsClassified', 'marketCandles']))) >= signalsInputCount(0), live);
    await waitFor('classify to start', async () => (await committedOffsets(broker.admin, groupOf(chaos.cls, 'classify'), inputTotal(chaos.cls, ['newsRaw']))) > 0, live);

    step('broker stopped');
    await broker.stop();
    await waitForOutage('reported', METRICS, live);
    step('broker starting again');
    await broker.start();

    step('second half');
    await chaos.produce(1);
    const total = signalsInputCount(0) + signalsInputCount(1);
    await waitFor('signals to take everything', async () => (await committedOffsets(broker.admin, groupOf(chaos.sig, 'signals'), inputTotal(chaos.sig, ['newsClassified', 'marketCandles']))) >= total, live);
    await waitFor('classify to take everything', async () => (await committedOffsets(broker.admin, groupOf(chaos.cls, 'classify'), inputTotal(chaos.cls, ['newsRaw']))) >= newsRaw.length, live);
    step('waiting for the sink');
    onTestFailed(async () => {
      const t = await actualTables(chaos.db.url);
      step(`tables (actual / expected): ${Object.entries(expected.tables).map(([table, { rows }]) => `${table} ${t[table]!.rows}/${rows}`).join(', ')}`);
      step(`signals' late inputs: ${await scrapeMetric(METRICS.signals, 'ops_pipeline_signals_late_inputs_total').catch((e: Error) => e.message)}`);
      step(`sink warnings:\n${procs.sink.output().split('\n').filter((l) => /"level":(40|50)/.test(l) && !/kafkajs/.test(l)).slice(-20).join('\n')}`);
    });
    await waitFor('the sink to write every row', async () => {
      const t = await actualTables(chaos.db.url);
      return Object.entries(expected.tables).every(([table, { rows }]) => t[table]!.rows >= rows);
    }, live);
    await waitForOutage('cleared', METRICS, live);
    expect(live.every((p) => p.running())).toBe(true);
    expect(await scrapeMetric(METRICS.signals, 'ops_pipeline_signals_late_inputs_total')).toBe(0);
    expect(procs.signals.output()).toMatch(/kafka failed; reconnecting after a backoff/);
    expect(procs.sink.output()).toMatch(/Kafka consumer failed; kafkajs restarts it/);
    expect(procs.classify.output()).toMatch(/kafka failed; reconnecting after a backoff/);
    for (const p of live) expect((await p.kill('SIGTERM')).code).toBe(0);

    // A transaction the outage left open holds back what follows it on its partition (the last
    // stable offset) until the coordinator aborts it, after the transaction timeout (60 s).
    const actual = await settled(() => outputsOf(chaos), (a) => a.classified.length >= expected.classified.length && a.signals.length >= expected.signals.length, 120_000);
    expect(actual.signals).toEqual(expected.signals);
    expect(actual.classified).toEqual(expected.classified);
    expect(actual.tables).toEqual(expected.tables);
  });
});
