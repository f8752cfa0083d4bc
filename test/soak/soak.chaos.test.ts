import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AvroCodec } from '../../core/avro-codec.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { dlqTopicName, TOPIC_IDS, topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Candle, NewsClassified, Signal } from '../../schemas/records.ts';
import { SignalsConfig } from '../../streams/signals/config.ts';
import { SignalEngine } from '../../streams/signals/engine.ts';
import { eventTimeOf, type EngineInput } from '../../streams/signals/inputs.ts';
import { candleInput, newsInput } from '../../streams/signals/to-input.ts';
import { freshDatabase } from '../database.ts';
import { testConnections, testTopics, type TestTopics } from '../kafka.ts';
import { writeConfig } from '../chaos/component-process.ts';
import { MonitoredComponent, memoryVerdict, SAMPLE_MS, type MonitoredRun } from './rss-monitor.ts';
import { BAR_INTERVAL, candleChunks, newsChunks, produceAll, soakPlan } from './soak-inputs.ts';

// The soak: the issue's 1,000,000 candles and 100,000 news items through the whole pipeline,
// each component a real `ops-pipeline run …` child process against the real broker, registry
// and PostgreSQL. News go in first and classify starts on them while the candles are produced;
// the sink runs live all along. Signals then run over the classified news and the candles
// (and once more, rebuilding their state from the whole history), the paper executor over the
// signals, and a last `sink --once` drains what is left. At the end every table and topic
// holds exactly what went in, the signals are exactly the engine's over the same topics (no
// input was late), the executor decided some of them, and each component's memory stayed
// bounded: it ran under a capped V8 heap, its RSS (sampled ten times a second, so the short
// runs too) stayed under a sane bound and did not grow from the first third of its run to the
// last. Peak RSS per component
// and the counts go to bench/out/soak.json. SOAK_CANDLES / SOAK_NEWS shrink the run for
// development; SOAK_HEAP_MIB changes the heap cap.

const CANDLES = Number(process.env.SOAK_CANDLES ?? 1_000_000);
const NEWS = Number(process.env.SOAK_NEWS ?? 100_000);
const SEED = 20_240_102;
/** Records per produce request: under the broker's 1 MiB message-batch limit per partition. */
const CHUNK = { news: 2_000, candles: 10_000 };
/**
 * Each component's V8 heap is capped (MiB; 0 = Node's default): a leak that grows with the
 * input then ends the run with an out-of-memory exit instead of hiding behind lazy GC.
 */
const HEAP_MIB = Number(process.env.SOAK_HEAP_MIB ?? 384);
/** A sane bound for any one component, whatever the input size. */
const MAX_RSS_BYTES = 1.5 * 1024 ** 3;
/** The full size takes minutes on a shared 2-core machine; a hang still ends the run. */
const TIMEOUT_MS = 40 * 60_000;
const OUT_DIR = join(import.meta.dirname, '..', '..', 'bench', 'out');

const conn = testConnections();
let topics: TestTopics;
let db: { url: string; drop: () => Promise<void> };
let logDir: string;
/** Every component started, so a failed run leaves none behind. */
const started: MonitoredComponent[] = [];

beforeAll(async () => {
  topics = await testTopics('soak');
  db = await freshDatabase({ migrate: true });
  // Kept after the run (bench/out is git-ignored): the components' logs explain a failure.
  logDir = join(OUT_DIR, 'soak-logs');
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
});
afterAll(async () => {
  await Promise.all(started.map((c) => c.kill()));
  await db?.drop();
  await topics?.cleanup();
});

/** Records in a topic as a read-committed consumer sees them, each passed to `each`. */
async function readAll(topic: string, each: (value: Buffer | null) => void | Promise<void> = () => {}): Promise<number> {
  let n = 0;
  await readToEnd(topics.kafka, topic, async (m) => {
    n++;
    await each(m.value);
  });
  return n;
}

const mib = (bytes: number) => Math.round(bytes / 1024 ** 2);

/**
 * The signal engine alone over both input topics, in event time, with the processor's rules
 * (the defaults) and no flush (a live processor decides a bar only once the watermark passed
 * it): the signals the processor must have produced, as sorted JSON.
 */
async function engineSignals(t: TestTopics, codec: AvroCodec): Promise<string[]> {
  const inputs: EngineInput[] = [];
  await readToEnd(t.kafka, topicName('newsClassified', t.prefix), async (m) => void inputs.push(newsInput(await codec.decode<NewsClassified>(m.value))));
  await readToEnd(t.kafka, topicName('marketCandles', t.prefix), async (m) => void inputs.push(candleInput(await codec.decode<Candle>(m.value), BAR_INTERVAL)));
  inputs.sort((a, b) => eventTimeOf(a) - eventTimeOf(b));
  const engine = new SignalEngine(SignalsConfig.parse({}).rules);
  const out: string[] = [];
  for (const i of inputs) for (const s of engine.push(i).signals) out.push(JSON.stringify(s));
  expect(engine.stats.late).toBe(0);
  return out.sort();
}

function memorySummary(r: MonitoredRun) {
  const v = memoryVerdict(r.samples);
  return v && { firstThirdPeakMiB: mib(v.firstThirdPeak), lastThirdPeakMiB: mib(v.lastThirdPeak), flat: v.flat };
}

it(`${CANDLES.toLocaleString('en')} candles and ${NEWS.toLocaleString('en')} news through the whole pipeline: counts exact, memory flat`, async () => {
  const { prefix } = topics;
  const plan = soakPlan(CANDLES, NEWS);
  const configFile = writeConfig({});
  const global = ['--topic-prefix', prefix, '--database-url', db.url, '--config', configFile];
  const env = HEAP_MIB ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${HEAP_MIB}`.trim() } : {};
  const run = (name: string, ...flags: string[]) => {
    const c = new MonitoredComponent(name, [...global, 'run', name, ...flags], join(logDir, `${started.length}-${name}.log`), env);
    started.push(c);
    return c;
  };
  const encoder = new RecordEncoder(createRegistry(conn.registry), prefix);
  const results: MonitoredRun[] = [];
  const t0 = Date.now();
  const step = (what: string) => process.stderr.write(`soak +${Math.round((Date.now() - t0) / 1000)}s: ${what}\n`);

  // 1. News first, so classify has work as soon as it joins; then candles while it runs.
  expect(await produceAll(topics.kafka, encoder, 'newsRaw', newsChunks(plan, SEED, CHUNK.news))).toBe(NEWS);
  step('news produced');
  const sink = run('sink');
  const classify = run('classify', '--once');
  const classifyStarted = Date.now();
  expect(await produceAll(topics.kafka, encoder, 'marketCandles', candleChunks(plan, SEED, CHUNK.candles))).toBe(plan.candles);
  step('candles produced');
  results.push(await classify.done);
  step('classify done');
  const classifySeconds = (Date.now() - classifyStarted) / 1000;

  // 2. Signals over everything classified and every candle, then the paper executor.
  const signals = run('signals', '--once');
  results.push(await signals.done);
  step('signals done');
  // Started again on the whole history: its rebuild must fit the same memory and add nothing.
  const restarted = run('signals', '--once');
  results.push({ ...(await restarted.done), name: 'signals (restart)' });
  step('signals restart done');
  const executor = run('executor', '--once');
  results.push(await executor.done);
  step('executor done');

  // 3. The live sink stops cleanly; a last sink --once drains what it had not reached.
  await sink.stop();
  results.push(await sink.done);
  const drain = run('sink', '--once');
  const drained = await drain.done;
  step('sink drained');
  const wallSeconds = (Date.now() - t0) / 1000;

  // 4. Counts: every table and topic holds exactly what went in; nothing went to a DLQ.
  const codec = new AvroCodec(createRegistry(conn.registry));
  const signalIds = new Set<string>();
  const decidedIds = new Set<string>();
  const produced: string[] = [];
  let pending = 0;
  let updates = 0;
  let executed = 0;
  const signalRecords = await readAll(topicName('signals', prefix), async (v) => {
    const s = await codec.decode<Signal>(v);
    signalIds.add(s.signal_id);
    if (s.status === 'PENDING') {
      pending++;
      produced.push(JSON.stringify(s));
    } else {
      updates++;
      if (s.status === 'EXECUTED') executed++;
      decidedIds.add(s.signal_id);
    }
  });
  const expectedSignals = await engineSignals(topics, codec);
  step('engine replayed');
  const classified = await readAll(topicName('newsClassified', prefix));
  const dlq: Record<string, number> = {};
  for (const id of TOPIC_IDS) dlq[dlqTopicName(id, prefix)] = await readAll(dlqTopicName(id, prefix));

  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  let rows: Record<string, number>;
  try {
    const q = await client.query(`SELECT
      (SELECT count(*)::int FROM lane_telemetry) AS lane_telemetry,
      (SELECT count(*)::int FROM inbound_events_raw) AS raw,
      (SELECT count(*)::int FROM inbound_events_raw WHERE processed_at IS NOT NULL) AS raw_processed,
      (SELECT count(*)::int FROM inbound_events_classified) AS classified,
      (SELECT count(*)::int FROM dispatch_recommendations) AS signals,
      (SELECT count(*)::int FROM dispatch_recommendations WHERE status <> 'PENDING') AS signals_decided`);
    rows = q.rows[0];
  } finally {
    await client.end();
  }

  const summary = {
    at: new Date().toISOString(),
    inputs: { candles: plan.candles, news: NEWS, tickers: plan.tickers.length, bars: plan.bars },
    heapCapMiB: HEAP_MIB || null,
    wallSeconds: Math.round(wallSeconds),
    recordsPerSecond: Math.round((plan.candles + NEWS) / wallSeconds),
    classifySeconds: Math.round(classifySeconds),
    outputs: { classified, signalRecords, signals: signalIds.size, statusUpdates: updates, rows, dlq },
    components: [...results, drained].map((r) => ({
      name: r.name,
      seconds: Math.round(r.seconds),
      peakRssMiB: mib(r.peakBytes),
      memory: memorySummary(r),
      /** RSS every 5 s, MiB: the curve behind the verdict. */
      rssEvery5sMiB: r.samples.filter((_, i) => i % (5000 / SAMPLE_MS) === 0).map((x) => mib(x.bytes)),
      summary: r.summary,
    })),
  };
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'soak.json'), `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(
    [
      `soak: ${plan.candles} candles + ${NEWS} news in ${summary.wallSeconds} s (${summary.recordsPerSecond} records/s); classify ${summary.classifySeconds} s`,
      ...summary.components.map((c) => `  ${c.name.padEnd(17)} ${String(c.seconds).padStart(5)} s  peak RSS ${String(c.peakRssMiB).padStart(5)} MiB${c.memory ? `  (first third ${c.memory.firstThirdPeakMiB}, last third ${c.memory.lastThirdPeakMiB} MiB)` : ''}`),
      '',
    ].join('\n'),
  );

  expect(rows).toEqual({
    lane_telemetry: plan.candles,
    raw: NEWS,
    raw_processed: NEWS,
    classified: NEWS,
    signals: signalIds.size,
    signals_decided: decidedIds.size,
  });
  // The executor decides each signal once: one status update per decided signal.
  expect(updates).toBe(decidedIds.size);
  expect(executed, 'signals the executor filled').toBeGreaterThan(0);
  // The live processor's signals are the engine's over the same topics, read in event time.
  expect(produced.sort()).toEqual(expectedSignals);
  expect(results.find((r) => r.name === 'signals')?.summary).toMatch(/ 0 late, /);
  expect(classified).toBe(NEWS);
  expect(pending).toBe(signalIds.size);
  expect(signalIds.size).toBeGreaterThan(0);
  // The restarted processor had every input committed already: it rebuilt, and made nothing.
  expect(results.find((r) => r.name === 'signals (restart)')?.summary).toMatch(/^signals: 0 inputs, .* 0 signals produced,/);
  expect(Object.values(dlq).every((n) => n === 0), JSON.stringify(dlq)).toBe(true);
  for (const r of [...results, drained]) {
    expect(r.peakBytes, `${r.name} peak RSS`).toBeLessThan(MAX_RSS_BYTES);
    const verdict = memoryVerdict(r.samples);
    expect(verdict, `${r.name}: ${r.samples.length} RSS samples, too few to judge`).not.toBeNull();
    expect(verdict!.flat, `${r.name} RSS grew: first third peak ${mib(verdict!.firstThirdPeak)} MiB, last third ${mib(verdict!.lastThirdPeak)} MiB`).toBe(true);
  }
}, TIMEOUT_MS);
