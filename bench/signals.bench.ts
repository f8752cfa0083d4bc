import { randomBytes } from 'node:crypto';
import { loadConnections } from '../core/config.ts';
import { createKafka } from '../core/kafka.ts';
import { createRegistry } from '../core/registry.ts';
import { applyTopics } from '../schemas/apply.ts';
import { RecordEncoder } from '../schemas/record-encoder.ts';
import { SignalRules, SignalsConfig } from '../streams/signals/config.ts';
import { SignalEngine } from '../streams/signals/engine.ts';
import { availableParallelism } from 'node:os';
import { startComponent } from '../core/runtime/start-component.ts';
import { signalsComponent, type SignalsSummary } from '../streams/signals/component.ts';
import { brokerPid, cpuText, cpuWatch } from './cpu-use.ts';
import { lastCommitWatch } from './last-commit.ts';
import { candleInput, newsInput } from '../streams/signals/to-input.ts';
import { fillSignalsTopics, signalsInputs } from './signals-inputs.ts';
import { AvroCodec } from '../core/avro-codec.ts';
import { readToEnd } from '../core/topic-reader.ts';
import { recordName, topicName } from '../schemas/catalog.ts';
import { verdict } from './verdict.ts';
import { groupSpread, metricSum, startedTaskCount, tasksStarted } from './tasks-started.ts';

// Events per second through the signals processor from pre-filled topics (Kafka in, engine,
// transactions out), on one stream thread and on one per core, beside two ceilings measured in
// the same run: the engine alone on the same events in memory, and a bare kafkajs read of the
// same topics with every record decoded.
// Targets: >= 50,000 events/s; >= 0.6x the engine or >= 0.8x the bare read, whichever
// ceiling is lower (both are printed).

// A backlog, as a replay reads one: long enough that the two stages overlap for most of it
// (their first batches wait on each other for a fixed time, which would dominate a short run).
const CANDLES = Number(process.env.BENCH_SIGNALS_CANDLES ?? 1_000_000);
const TICKERS = 100;

export default async function signalsBench(): Promise<void> {
  const conn = loadConnections({});
  const prefix = `bench-${randomBytes(4).toString('hex')}.`;
  const kafka = createKafka(conn.kafka, 'bench-signals');
  const admin = kafka.admin();
  const registry = createRegistry(conn.registry);
  await admin.connect();
  await applyTopics(admin, registry, prefix);
  try {
    const { news, candles } = signalsInputs(CANDLES, TICKERS);
    const events = news.length + candles.length;
    const rules = SignalRules.parse({ halfLifeMinutes: 30, buyThreshold: 1.2, sellThreshold: 1.2, cooldownMinutes: 60 });

    // The engine alone: the decoded records made its inputs (as the processor's stages do), then
    // pushed in event-time order (the order the processor's merge gives it, sorted untimed).
    let started = process.hrtime.bigint();
    const converted = [...news.map(newsInput), ...candles.map((c) => candleInput(c, '1m'))];
    const convertSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const inputs = converted.sort(
      (a, b) => (a.kind === 'news' ? a.eventTime : a.ts + a.intervalMs) - (b.kind === 'news' ? b.eventTime : b.ts + b.intervalMs),
    );
    const engine = new SignalEngine(rules);
    started = process.hrtime.bigint();
    let engineSignals = 0;
    for (const i of inputs) engineSignals += engine.push(i).signals.length;
    const engineRate = events / (convertSeconds + Number(process.hrtime.bigint() - started) / 1e9);

    // Pre-fill the topics.
    await fillSignalsTopics(kafka, new RecordEncoder(registry, prefix), { news, candles });

    // A bare kafkajs read of the same topics, every record decoded: what reading costs.
    const codec = new AvroCodec(registry);
    const inputTopics = [['marketCandles', topicName('marketCandles', prefix)], ['newsClassified', topicName('newsClassified', prefix)]] as const;
    const nameOf = new Map<string, string>(inputTopics.map(([id, topic]) => [topic, recordName(id)]));
    let read = 0;
    started = process.hrtime.bigint();
    await readToEnd(kafka, inputTopics.map(([, t]) => t), async (m, _p, topic) => {
      const name = nameOf.get(topic)!;
      if (!codec.decodeIfKnown(m.value, name)) await codec.decode(m.value, name);
      read++;
    });
    const readRate = read / (Number(process.hrtime.bigint() - started) / 1e9);

    // The processor, from the filled topics to signals committed: with one stream thread per
    // core (the figure that counts) and with one. Its start (internal topics, the group join,
    // the threads' rebalance) is timed apart: a fixed cost, not a rate (`bench restart`).
    const deployment = { connections: conn, prefix, candleInterval: '1m' as const };
    const broker = await brokerPid();
    const run = async (threads: number, groupId: string) => {
      const topics = inputTopics.map(([, t]) => t);
      const before = await startedTaskCount();
      const inputsBefore = await metricSum('ops_pipeline_signals_inputs_total');
      const launched = process.hrtime.bigint();
      const watch = await lastCommitWatch(admin, `${prefix}${groupId}`, topics);
      const p = await startComponent(signalsComponent, SignalsConfig.parse({ idleExitMs: 500, rules, threads, groupId }), deployment, { once: true });
      const tasks = await tasksStarted(admin, topics, before);
      await groupSpread(admin, `${prefix}${groupId}`, threads);
      const started = process.hrtime.bigint();
      const cpu = cpuWatch(broker);
      const inputsAtStart = (await metricSum('ops_pipeline_signals_inputs_total')) - inputsBefore;
      const summary = (await p.done.finally(() => watch.stop())) as SignalsSummary;
      const committedAt = await watch.at;
      const cpuUse = cpu();
      if (committedAt === undefined) throw new Error('the signals processor stopped before committing all of its inputs');
      const rate = (summary.inputs - inputsAtStart) / (Number(committedAt - started) / 1e9);
      return { summary, rate, tasks, startSeconds: Number(started - launched) / 1e9, inputsAtStart, cpuUse };
    };
    const one = await run(1, 'bench-signals-one-thread');
    const threads = Math.max(2, availableParallelism());
    const { summary, rate, tasks, startSeconds, inputsAtStart, cpuUse } = await run(threads, 'bench-signals-threads');
    const perSecond = (x: number) => `${Math.round(x).toLocaleString('en')} events/s`;
    console.log(`  ${events.toLocaleString()} events (${candles.length.toLocaleString()} candles of ${TICKERS} tickers, ${news.length.toLocaleString()} news)`);
    console.log(`  engine alone       ${perSecond(engineRate).padStart(18)}   ${engineSignals} signals; records made inputs in ${convertSeconds.toFixed(2)} s of it`);
    console.log(`  bare kafkajs read  ${perSecond(readRate).padStart(18)}   ${read.toLocaleString()} records decoded`);
    console.log(`  processor, 1 thread ${perSecond(one.rate).padStart(17)}   ${one.summary.signals} signals; after its start (${one.tasks} tasks) in ${one.startSeconds.toFixed(2)} s`);
    console.log(`  processor, ${threads} threads ${perSecond(rate).padStart(16)}   ${summary.signals} signals, ${summary.late} late; after its start (${tasks} tasks over ${threads} stream threads, ${inputsAtStart.toLocaleString()} inputs taken meanwhile) in ${startSeconds.toFixed(2)} s`);
    // Both runs wrote the topic: exactly the engine's signals each, however many threads.
    let written = 0;
    await readToEnd(kafka, topicName('signals', prefix), () => void written++);
    if (written !== 2 * engineSignals) throw new Error(`the two processor runs wrote ${written} signals, the engine made ${engineSignals} (twice that expected)`);
    verdict({ bench: 'signals', figure: 'processor, 1 thread / engine alone', value: one.rate / engineRate, unit: 'x', detail: `${perSecond(one.rate)}; ${threads} threads make ${(rate / one.rate).toFixed(2)}x it` });
    verdict({ bench: 'signals', figure: 'signals processor', value: rate, unit: 'events/s', target: { op: '>=', bound: 50_000 } });
    // The lower ceiling is the one that bounds the processor: its target is the one that counts.
    const engineBound = engineRate * 0.6;
    const readBound = readRate * 0.8;
    const why =
      `every event is read and decoded, the news (${((100 * news.length) / events).toFixed(0)} % of them) written and read again through the stage topic, each task's state written to its changelog,` +
      ` in transactions, on ${threads} stream threads; over the run ${cpuText(cpuUse)}`;
    verdict({ bench: 'signals', figure: 'processor / engine alone', value: rate / engineRate, unit: 'x', ...(engineBound <= readBound ? { target: { op: '>=', bound: 0.6 }, why } : {}), detail: `${perSecond(rate)} vs ${perSecond(engineRate)}` });
    verdict({ bench: 'signals', figure: 'processor / bare kafkajs read', value: rate / readRate, unit: 'x', ...(readBound < engineBound ? { target: { op: '>=', bound: 0.8 }, why } : {}), detail: `${perSecond(rate)} vs ${perSecond(readRate)}` });
    verdict({ bench: 'signals', figure: 'bench process peak RSS', value: process.memoryUsage().rss / 1024 / 1024, unit: 'MiB', detail: 'inputs, the engine run and the processor runs (the stream threads\' heaps too) in one process' });
  } finally {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics({ topics: mine }).catch(() => {});
    await admin.disconnect();
  }
}
