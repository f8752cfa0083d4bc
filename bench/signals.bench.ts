import { randomBytes } from 'node:crypto';
import { loadConnections } from '../core/config.ts';
import { createKafka } from '../core/kafka.ts';
import { createRegistry } from '../core/registry.ts';
import { applyTopics } from '../schemas/apply.ts';
import { RecordEncoder } from '../schemas/record-encoder.ts';
import { SignalRules, SignalsConfig } from '../streams/signals/config.ts';
import { SignalEngine } from '../streams/signals/engine.ts';
import { startProcessor } from '../core/runtime/processor-runtime.ts';
import { signalsComponent } from '../streams/signals/component.ts';
import { candleInput, newsInput } from '../streams/signals/to-input.ts';
import { fillSignalsTopics, signalsInputs } from './signals-inputs.ts';
import { AvroCodec } from '../core/avro-codec.ts';
import { readToEnd } from '../core/topic-reader.ts';
import { recordName, topicName } from '../schemas/catalog.ts';
import { verdict } from './verdict.ts';
import { startedTaskCount, tasksStarted } from './tasks-started.ts';

// Events per second through the signals processor from pre-filled topics (Kafka in, engine,
// transactions out), beside two ceilings measured in the same run: the engine alone on the same
// events in memory, and a bare kafkajs read of the same topics with every record decoded.
// Targets: >= 50,000 events/s; >= 0.6x the engine or >= 0.8x the bare read, whichever
// ceiling is lower (both are printed).

const CANDLES = Number(process.env.BENCH_SIGNALS_CANDLES ?? 200_000);
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

    // The processor, from the filled topics to signals committed. Its start (internal topics,
    // the group join) is timed apart: a fixed cost, not a rate (`bench restart` measures starts).
    const before = await startedTaskCount();
    started = process.hrtime.bigint();
    const p = await startProcessor(signalsComponent, SignalsConfig.parse({ idleExitMs: 500, rules }), { connections: conn, prefix, candleInterval: '1m' }, { once: true });
    const tasks = await tasksStarted(admin, inputTopics.map(([, t]) => t), before);
    const startSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    started = process.hrtime.bigint();
    const summary = await p.done;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9 - 0.5; // the idle wait that ends --once
    const rate = summary.inputs / seconds;
    const perSecond = (x: number) => `${Math.round(x).toLocaleString('en')} events/s`;
    console.log(`  ${events.toLocaleString()} events (${candles.length.toLocaleString()} candles of ${TICKERS} tickers, ${news.length.toLocaleString()} news)`);
    console.log(`  engine alone       ${perSecond(engineRate).padStart(18)}   ${engineSignals} signals; records made inputs in ${convertSeconds.toFixed(2)} s of it`);
    console.log(`  bare kafkajs read  ${perSecond(readRate).padStart(18)}   ${read.toLocaleString()} records decoded`);
    console.log(`  processor          ${perSecond(rate).padStart(18)}   ${summary.signals} signals, ${summary.late} late; after its start (group joined, ${tasks} tasks started) in ${startSeconds.toFixed(2)} s`);
    if (summary.signals !== engineSignals) throw new Error(`the processor made ${summary.signals} signals, the engine ${engineSignals}`);
    verdict({ bench: 'signals', figure: 'signals processor', value: rate, unit: 'events/s', target: { op: '>=', bound: 50_000 } });
    // The lower ceiling is the one that bounds the processor: its target is the one that counts.
    const engineBound = engineRate * 0.6;
    const readBound = readRate * 0.8;
    const why = 'each event is read, then written and read again through the stage topic, and its changelog written, in transactions, all in one Node thread';
    verdict({ bench: 'signals', figure: 'processor / engine alone', value: rate / engineRate, unit: 'x', ...(engineBound <= readBound ? { target: { op: '>=', bound: 0.6 }, why } : {}), detail: `${perSecond(rate)} vs ${perSecond(engineRate)}` });
    verdict({ bench: 'signals', figure: 'processor / bare kafkajs read', value: rate / readRate, unit: 'x', ...(readBound < engineBound ? { target: { op: '>=', bound: 0.8 }, why } : {}), detail: `${perSecond(rate)} vs ${perSecond(readRate)}` });
    verdict({ bench: 'signals', figure: 'bench process peak RSS', value: process.memoryUsage().rss / 1024 / 1024, unit: 'MiB', detail: 'inputs, the engine run and the processor in one process' });
  } finally {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics({ topics: mine }).catch(() => {});
    await admin.disconnect();
  }
}
