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

// Events per second through the signals processor from pre-filled topics (Kafka in, engine,
// transactions out), beside the engine alone on the same events in memory (its ceiling).
// Target: >= 50,000 events/s through the processor.

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

    // The engine alone, in event-time order.
    const inputs = [...news.map(newsInput), ...candles.map((c) => candleInput(c, '1m'))].sort(
      (a, b) => (a.kind === 'news' ? a.eventTime : a.ts + a.intervalMs) - (b.kind === 'news' ? b.eventTime : b.ts + b.intervalMs),
    );
    const engine = new SignalEngine(rules);
    let started = process.hrtime.bigint();
    let engineSignals = 0;
    for (const i of inputs) engineSignals += engine.push(i).signals.length;
    const engineRate = events / (Number(process.hrtime.bigint() - started) / 1e9);

    // Pre-fill the topics.
    await fillSignalsTopics(kafka, new RecordEncoder(registry, prefix), { news, candles });

    // The processor, from the filled topics to signals committed.
    started = process.hrtime.bigint();
    const p = await startProcessor(signalsComponent, SignalsConfig.parse({ idleExitMs: 500, rules }), { connections: conn, prefix, candleInterval: '1m' }, { once: true });
    const summary = await p.done;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9 - 0.5; // the idle wait that ends --once
    const rate = summary.inputs / seconds;
    console.log(`  ${events.toLocaleString()} events (${candles.length.toLocaleString()} candles of ${TICKERS} tickers, ${news.length.toLocaleString()} news)`);
    console.log(`  engine alone       ${Math.round(engineRate).toLocaleString().padStart(10)} events/s   ${engineSignals} signals`);
    console.log(`  processor          ${Math.round(rate).toLocaleString().padStart(10)} events/s   ${summary.signals} signals, ${summary.late} late   target >= 50,000   ${rate >= 50_000 ? 'met' : 'MISSED'}`);
    console.log(`  processor / engine ${(rate / engineRate).toFixed(2)}x`);
    console.log(`  peak RSS           ${Math.round(process.memoryUsage().rss / 1024 / 1024)} MiB`);
  } finally {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics({ topics: mine }).catch(() => {});
    await admin.disconnect();
  }
}
