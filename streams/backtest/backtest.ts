import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Kafka } from 'kafkajs';
import { AvroCodec } from '../../core/avro-codec.ts';
import type { ConnectionsConfig } from '../../core/config.ts';
import { createKafka } from '../../core/kafka.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { topicName } from '../../schemas/catalog.ts';
import type { Candle, NewsClassified, Signal } from '../../schemas/records.ts';
import { INTERVAL_MS, type Interval } from '../../schemas/intervals.ts';
import type { SignalRules } from '../signals/config.ts';
import { SignalEngine } from '../signals/engine.ts';
import { eventTimeOf } from '../signals/inputs.ts';
import { candleInput, newsInput, usableInput } from '../signals/to-input.ts';
import type { BacktestReplay } from './backtest-replay.ts';
import { equitySvg, reportMarkdown, signalsCsv } from './report.ts';
import { scoreSignals, summarize } from './score.ts';

// A backtest is a replay: news.classified and market.candles for the range (start offsets
// found by timestamp — records carry their event time), through the same signal engine with
// the given rules, into files of its own (never the live signals topic or table).

export interface BacktestOptions {
  connections: ConnectionsConfig;
  prefix: string;
  /** The deployment's bar interval: bars of another are skipped, as the live processor refuses them. */
  candleInterval: Interval;
  from: number;
  to: number;
  rules: SignalRules;
  horizonsMinutes: number[];
  outDir: string;
  progress?: boolean;
  /** Reads news.classified under this prefix instead (a model swap's scratch topics); candles stay under `prefix`. */
  newsPrefix?: string;
  /** Told what the replay read and decided (`backtest --model` compares two replays). */
  onReplay?: (replay: BacktestReplay) => void;
}

async function readRange<T>(kafka: Kafka, codec: AvroCodec, topic: string, fromMs: number, keep: (r: T) => boolean, onRecord: () => void): Promise<T[]> {
  const admin = kafka.admin();
  await admin.connect();
  const starts = new Map((await admin.fetchTopicOffsetsByTimestamp(topic, fromMs)).map((p) => [p.partition, BigInt(p.offset)]));
  await admin.disconnect();
  const out: T[] = [];
  await readToEnd(
    kafka,
    topic,
    async (m) => {
      onRecord();
      const r = await codec.decode<T>(m.value).catch(() => null);
      if (r && keep(r)) out.push(r);
    },
    { startAt: ({ partition, high }) => starts.get(partition) ?? high },
  );
  return out;
}

export async function runBacktest(o: BacktestOptions) {
  const kafka = createKafka(o.connections.kafka, 'backtest');
  const codec = new AvroCodec(createRegistry(o.connections.registry));
  // News older than the engine's horizon cannot influence a bar in range, but as the earlier
  // copy of a story it can keep a later copy from counting: start a story window before it.
  const warmupMs = (o.rules.halfLifeMinutes * o.rules.horizonHalfLives + o.rules.storyWindowMinutes) * 60_000;
  const scoreUntil = o.to + Math.max(...o.horizonsMinutes) * 60_000;
  const bar = o.progress ? new SingleBar({ format: '  reading {bar} {value} records', stream: process.stderr }) : null;
  let read = 0;
  bar?.start(0, 0);
  const tick = () => {
    read++;
    if (read % 500 === 0) bar?.update(read);
  };
  const news = await readRange<NewsClassified>(kafka, codec, topicName('newsClassified', o.newsPrefix ?? o.prefix), o.from - warmupMs, (n) => n.event_time >= o.from - warmupMs && n.event_time <= o.to, tick);
  const candles = await readRange<Candle>(kafka, codec, topicName('marketCandles', o.prefix), o.from - warmupMs, (c) => c.ts >= o.from - warmupMs && c.ts <= scoreUntil, tick);
  bar?.update(read);
  bar?.stop();

  const inputs = [...news.map((n) => usableInput(() => newsInput(n))), ...candles.map((c) => usableInput(() => candleInput(c, o.candleInterval)))]
    .filter((i) => i !== null)
    .filter((i) => i.kind === 'news' || i.ts + i.intervalMs <= o.to)
    .sort((a, b) => eventTimeOf(a) - eventTimeOf(b) || (a.kind === b.kind ? 0 : a.kind === 'candle' ? -1 : 1));
  const engine = new SignalEngine(o.rules);
  const signals: Signal[] = [];
  for (const i of inputs) signals.push(...engine.push(i).signals);
  signals.push(...engine.flush());
  const inRange = signals.filter((s) => s.ts >= o.from && s.ts <= o.to);
  o.onReplay?.({ newsFrom: o.from - warmupMs, news, signals: inRange });

  const scored = scoreSignals(inRange, candles, o.horizonsMinutes, (interval) => INTERVAL_MS[interval as Interval] ?? 60_000);
  const stats = summarize(scored, o.horizonsMinutes);
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(join(o.outDir, 'signals.csv'), signalsCsv(scored, o.horizonsMinutes));
  writeFileSync(join(o.outDir, 'equity.svg'), equitySvg(stats, o.horizonsMinutes[0]!));
  writeFileSync(join(o.outDir, 'report.md'), reportMarkdown({ from: o.from, to: o.to, rules: o.rules, stats, inputs: { news: news.length, candles: candles.length }, late: engine.stats.late }));
  return stats;
}
