import { randomBytes } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../core/avro-codec.ts';
import { dropDatabase, withDatabase } from '../core/db.ts';
import { Registry } from '../core/registry.ts';
import { readToEnd } from '../core/topic-reader.ts';
import { bringUp } from '../deploy/local/services.ts';
import { CCOMPAT_PATH, schemaRegistry } from '../deploy/local/schema-registry.ts';
import { applyTopics } from '../schemas/apply.ts';
import { recordName, topicName, type TopicId } from '../schemas/catalog.ts';
import { RecordEncoder } from '../schemas/record-encoder.ts';
import type { Signal } from '../schemas/records.ts';
import { committedOffsets, runToEnd, scrapeMetric, startComponent, waitFor, writeConfig, type ComponentProcess } from '../test/chaos/component-process.ts';
import { allRowsWritten, expectExactTables, faultInputs, produceInEventTime, type FaultInputs } from '../test/chaos/fault-inputs.ts';
import { freshDatabase } from '../test/database.ts';
import { deletePrefixed, testConnections, uniquePrefix, groupOf } from '../test/kafka.ts';
import { registerNextVersion } from '../test/schema-versions.ts';
import { createKafka } from '../core/kafka.ts';

// The schema registry unavailable for a while. A registry instance of this test's own (port
// 19320, storage in its own PostgreSQL database so ids survive its restart) serves sink and
// signals, real child processes on the shared broker. After warm-up the readers hold their
// schemas, so the outage is made to matter: a new schema version is registered, the registry
// stopped, and the second half of the input is written with the new id, which the readers must
// fetch. They retry with backoff (metrics, logs) and recover when it is back, without a restart;
// a signals processor started while it is down waits and retries instead of exiting, and with
// --once gives up with a non-zero exit. Outputs equal a clean run's; the tables are exact.

const PORT = 19320;
const REGISTRY_URL = `http://127.0.0.1:${PORT}${CCOMPAT_PATH}`;
const METRICS = { sink: 19321, signals: 19322, fresh: 19323 } as const;
const shared = testConnections();
const registryDb = withDatabase(shared.database.url, `opsp_registry_outage_${randomBytes(4).toString('hex')}`);
const registry = schemaRegistry({ instance: 'registry-outage', port: PORT, storage: 'sql', databaseUrl: registryDb });
const env = { SCHEMA_REGISTRY_URL: REGISTRY_URL };
const kafka = createKafka(shared.kafka, 'registry-outage-test');
const admin = kafka.admin();
let producer: Producer;

const all = faultInputs({ tickers: 10, minutes: 800, news: 800, seed: 97 });
const MID = all.marketCandles[Math.floor(all.marketCandles.length / 2)]!.ts;
// Signals' inputs, revised bars included, written in event-time order; halves split by time.
const half = (h: 0 | 1): Pick<FaultInputs, 'newsClassified' | 'marketCandles'> => ({
  newsClassified: all.newsClassified.filter((n) => (n.event_time < MID) === (h === 0)),
  marketCandles: all.marketCandles.filter((c) => (c.ts < MID) === (h === 0)),
});
/** What the sink must end with (the signals are what the processor made). */
const sinkInputs = (signals: Signal[]): FaultInputs => ({
  newsRaw: all.newsRaw,
  feedsState: [],
  newsClassified: [...half(0).newsClassified, ...half(1).newsClassified],
  marketCandles: [...half(0).marketCandles, ...half(1).marketCandles],
  signals,
});
const count = (p: Pick<FaultInputs, 'newsClassified' | 'marketCandles'>) => p.newsClassified.length + p.marketCandles.length;
const prefixes: string[] = [];
const running: ComponentProcess[] = [];
const dbs: Array<{ drop: () => Promise<void> }> = [];

async function produce(encoder: RecordEncoder, records: Partial<FaultInputs>): Promise<void> {
  for (const [id, list] of Object.entries(records) as Array<[TopicId, never[]]>) {
    for (let i = 0; i < list.length; i += 200) await producer.send({ topic: encoder.topic(id), acks: -1, messages: await encoder.messages(id, list.slice(i, i + 200)) });
  }
}

async function newPrefix(label: string): Promise<string> {
  const prefix = uniquePrefix(label);
  prefixes.push(prefix);
  await applyTopics(admin, new Registry(REGISTRY_URL), prefix);
  return prefix;
}

// A revised bar's volume (7) is far below the lookback's mean: with minVolumeRatio, whether the
// engine decides on the revision or on the first record changes the signals.
const rules = { allowedLatenessSeconds: 300, halfLifeMinutes: 30, buyThreshold: 0.3, sellThreshold: 0.3, cooldownMinutes: 5, maxAdverseMovePct: 100, minVolumeRatio: 0.5 };
/** `groupId` (the topic prefix goes in front): a group of its own, to not share the service's work. */
function signalsArgs(prefix: string, groupId?: string): string[] {
  return ['--config', writeConfig({ topics: { prefix, candleInterval: '1m' }, signals: { idleExitMs: 2000, rules, ...(groupId ? { groupId } : {}) } }), 'run', 'signals'];
}

async function signalsOf(prefix: string): Promise<string[]> {
  const codec = new AvroCodec(new Registry(REGISTRY_URL));
  const out: string[] = [];
  await readToEnd(kafka, topicName('signals', prefix), async (m) => void out.push(JSON.stringify(await codec.decode<Signal>(m.value, recordName('signals')))));
  return out.sort();
}

beforeAll(async () => {
  await registry.stop();
  await bringUp(registry, () => {});
  await admin.connect();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});
afterAll(async () => {
  for (const p of running) await p.kill('SIGKILL');
  await producer?.disconnect().catch(() => {});
  for (const prefix of prefixes) await deletePrefixed(admin, prefix).catch(() => {});
  await admin.disconnect().catch(() => {});
  await registry.stop();
  await dropDatabase(registryDb).catch(() => {});
  for (const db of dbs) await db.drop().catch(() => {});
});

describe('schema registry unavailable for a while', () => {
  it('readers retry with backoff, report it, recover without a restart; a start while it is down waits; nothing lost or doubled', async () => {
    const clean = await newPrefix('reg-clean');
    await produceInEventTime(kafka, new RecordEncoder(new Registry(REGISTRY_URL), clean), half(0));
    await produceInEventTime(kafka, new RecordEncoder(new Registry(REGISTRY_URL), clean), half(1));
    // Nothing late: a late input would make the result depend on when it was read.
    expect(await runToEnd([...signalsArgs(clean), '--once'], env)).toMatch(/ 0 late, /);
    const expected = await signalsOf(clean);
    expect(expected.length).toBeGreaterThan(5);

    const chaos = await newPrefix('reg-chaos');
    const fresh = await newPrefix('reg-fresh');
    const db = await freshDatabase({ migrate: true });
    dbs.push(db);
    const encoder = new RecordEncoder(new Registry(REGISTRY_URL), chaos);
    await produce(encoder, { newsRaw: all.newsRaw });
    await produceInEventTime(kafka, encoder, half(0));
    // A group with committed offsets, to be restarted while the registry is down: its state
    // rebuild has to decode, with a cold schema cache.
    await produceInEventTime(kafka, new RecordEncoder(new Registry(REGISTRY_URL), fresh), half(0));
    await runToEnd([...signalsArgs(fresh), '--once'], env);
    const sinkConfig = writeConfig({ topics: { prefix: chaos, candleInterval: '1m' }, database: { url: db.url }, sink: {} });
    const sink = startComponent(['--config', sinkConfig, 'run', 'sink'], { ...env, METRICS_PORT: String(METRICS.sink) });
    const signals = startComponent(signalsArgs(chaos), { ...env, METRICS_PORT: String(METRICS.signals) });
    running.push(sink, signals);
    const live = [sink, signals];
    const signalsInputs = [topicName('newsClassified', chaos), topicName('marketCandles', chaos)];
    await waitFor('signals to take the first half', async () => (await committedOffsets(admin, groupOf(chaos, 'signals'), signalsInputs)) >= count(half(0)), live);

    // New schema versions; this test's encoder learns their ids and types, the readers do not.
    await registerNextVersion(REGISTRY_URL, chaos, 'newsClassified', 'outage_note');
    await registerNextVersion(REGISTRY_URL, chaos, 'marketCandles', 'outage_note');
    const next = new RecordEncoder(new Registry(REGISTRY_URL), chaos);
    const noted = <T>(records: T[]): T[] => records.map((r) => ({ ...r, outage_note: null }));
    const secondHalf = { newsClassified: noted(half(1).newsClassified), marketCandles: noted(half(1).marketCandles) };
    await next.messages('newsClassified', secondHalf.newsClassified.slice(0, 1));
    await next.messages('marketCandles', secondHalf.marketCandles.slice(0, 1));

    await registry.stop();
    await produceInEventTime(kafka, next, secondHalf);
    const retries = (port: number, component: string) => scrapeMetric(port, `ops_pipeline_service_retries_total{component="${component}",service="registry"}`);
    const unreachable = (port: number, component: string) => scrapeMetric(port, `ops_pipeline_service_unreachable{component="${component}",service="registry"}`);
    // A start while the registry is down: --once gives up with a non-zero exit; a service waits.
    const once = startComponent([...signalsArgs(fresh, 'once'), '--once'], env);
    const starting = startComponent(signalsArgs(fresh), { ...env, METRICS_PORT: String(METRICS.fresh) });
    running.push(once, starting);
    for (const [port, component] of [[METRICS.signals, 'signals'], [METRICS.sink, 'sink']] as const) {
      await waitFor(`${component} on ${port} to report the outage`, async () => (await retries(port, component)) >= 2 && (await unreachable(port, component)) === 1, [...live, starting]);
    }
    // The one started meanwhile waits (its metrics are served once it runs): two attempts logged.
    await waitFor('the started signals to wait for the registry', async () => (starting.output().match(/schema registry unreachable at start; waiting for it/g) ?? []).length >= 2, [...live, starting]);
    const onceExit = await once.exited;
    expect(onceExit.code, once.output().slice(-2000)).toBe(3);
    expect(once.output()).toMatch(/error: schema registry unreachable at/);
    expect(signals.output()).toMatch(/registry failed; reconnecting after a backoff/);

    await bringUp(registry, () => {});
    await waitFor('signals to take everything', async () => (await committedOffsets(admin, groupOf(chaos, 'signals'), signalsInputs)) >= count(half(0)) + count(half(1)), live);
    // Its group committed the first half before: what shows it caught up is its own rebuild,
    // and its metrics served (it has left the start-up wait and stops on SIGTERM).
    await waitFor('the started signals to start its tasks and run', async () => /"msg":"tasks assigned"/.test(starting.output()) && (await unreachable(METRICS.fresh, 'signals')) === 0, [starting]);
    expect(await committedOffsets(admin, groupOf(fresh, 'signals'), [topicName('newsClassified', fresh), topicName('marketCandles', fresh)])).toBe(count(half(0)));
    await waitFor('signals to clear the gauge', async () => (await unreachable(METRICS.signals, 'signals')) === 0, [...live, starting]);
    const actual = await signalsOf(chaos);
    const made = actual.map((s) => JSON.parse(s) as Signal);
    // The sink drains the signals' output too.
    await waitFor('the sink to write every row', () => allRowsWritten(db.url, sinkInputs(made)), live);
    expect(await unreachable(METRICS.sink, 'sink')).toBe(0);
    for (const p of [sink, signals, starting]) {
      const exit = await p.kill('SIGTERM');
      expect(exit, `${p.child.spawnargs.slice(-3).join(' ')}:\n${p.output().slice(-3000)}`).toEqual({ code: 0, signal: null });
    }

    expect(new Set(made.map((s) => s.signal_id)).size).toBe(made.length);
    expect(actual).toEqual(expected);
    await expectExactTables(db.url, sinkInputs(made));
  });
});
