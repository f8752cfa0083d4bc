import { SingleBar } from 'cli-progress';
import type { Kafka } from 'kafkajs';
import { AvroCodec } from '../../core/avro-codec.ts';
import type { ConnectionsConfig } from '../../core/config.ts';
import { createKafka } from '../../core/kafka.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd, startAtTime } from '../../core/topic-reader.ts';
import { topicName } from '../../schemas/catalog.ts';
import type { Interval } from '../../schemas/intervals.ts';
import type { Candle, NewsClassified } from '../../schemas/records.ts';
import { prepareInputs, type BacktestInputs } from './inputs.ts';

// The one read of a backtest: news.classified and market.candles for the window, start offsets
// found by timestamp (records carry their event time), decoded once into BacktestInputs.

export interface ReadWindow {
  connections: ConnectionsConfig;
  prefix: string;
  /** The deployment's bar interval: bars of another are skipped, as the live processor refuses them. */
  candleInterval: Interval;
  from: number;
  to: number;
  /** News and bars this long before `from` (inputs.ts warmupMsOf; for several rule sets, the longest). */
  warmupMs: number;
  /** Bars starting up to this time (inputs.ts readUntilOf). */
  untilMs: number;
  progress?: boolean;
  /** Reads news.classified under this prefix instead (a model swap's scratch topics); candles stay under `prefix`. */
  newsPrefix?: string;
}

async function readRange<T>(kafka: Kafka, codec: AvroCodec, topic: string, fromMs: number, keep: (r: T) => boolean, onRecord: () => void): Promise<T[]> {
  const startAt = await startAtTime(kafka, topic, fromMs);
  const out: T[] = [];
  await readToEnd(
    kafka,
    topic,
    async (m) => {
      onRecord();
      const r = await codec.decode<T>(m.value).catch(() => null);
      if (r && keep(r)) out.push(r);
    },
    { startAt },
  );
  return out;
}

export async function readBacktestInputs(o: ReadWindow): Promise<BacktestInputs> {
  const kafka = createKafka(o.connections.kafka, 'backtest');
  const codec = new AvroCodec(createRegistry(o.connections.registry));
  const start = o.from - o.warmupMs;
  const bar = o.progress ? new SingleBar({ format: '  reading {bar} {value} records', stream: process.stderr }) : null;
  let read = 0;
  bar?.start(0, 0);
  const tick = () => {
    read++;
    if (read % 500 === 0) bar?.update(read);
  };
  const news = await readRange<NewsClassified>(kafka, codec, topicName('newsClassified', o.newsPrefix ?? o.prefix), start, (n) => n.event_time >= start && n.event_time <= o.to, tick);
  const candles = await readRange<Candle>(kafka, codec, topicName('marketCandles', o.prefix), start, (c) => c.ts >= start && c.ts <= o.untilMs, tick);
  bar?.update(read);
  bar?.stop();
  return prepareInputs({ news, candles, from: o.from, to: o.to, warmupMs: o.warmupMs, untilMs: o.untilMs, candleInterval: o.candleInterval });
}
