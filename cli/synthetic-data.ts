import { createHash } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { seededRandom } from '../core/seeded-random.ts';
import { loadSymbolDirectory } from '../streams/classify/tickers/symbol-directory.ts';
import type { TopicId } from '../schemas/catalog.ts';
import { INTERVAL_MS, type Interval } from '../schemas/intervals.ts';
import type { RecordEncoder } from '../schemas/record-encoder.ts';
import type { Candle, NewsRaw, TopicRecords } from '../schemas/records.ts';

// Seeded synthetic data at any size, the same for a given seed and size: bars of the first
// tickers of the shipped symbol directory (a random walk each), and news whose headlines join a
// company name of those tickers with a financial sentence, published inside the bars' range in
// time order, so the classifier finds the ticker and signals fire. `load-sample --synthetic`
// writes it; the soak test runs on it.

export const SYNTHETIC_T0 = Date.UTC(2024, 0, 2, 0, 0);

/** Sentences written for this project, of every tone, for headlines "<company>: <sentence>". */
export const SYNTHETIC_SENTENCES = [
  'quarterly profit rose sharply, beating analyst estimates',
  'the company raised its full-year outlook after strong demand',
  'shares jumped after a record quarter for its cloud business',
  'net sales increased by 18 percent compared with the previous year',
  'the board approved a larger share buyback and a higher dividend',
  'operating margin improved on lower costs and higher prices',
  'the company won a multi-year contract worth about 400 million dollars',
  'operating profit fell as demand weakened in its main markets',
  'the company cut its forecast and announced job reductions',
  'shares slumped after the chief executive resigned unexpectedly',
  'net loss widened on write-downs and falling volumes',
  'regulators opened an investigation into its accounting practices',
  'the company recalled products after a safety defect was found',
  'sales declined for the third quarter in a row',
  'the annual general meeting will be held in April',
  'the company will publish its interim report next week',
  'the company operates plants in four countries',
  'the new chief financial officer starts on 1 March',
  'the company said it has no comment on market rumours',
  'trading in the shares continued on the main market',
];

export interface SyntheticPlan {
  tickers: Array<{ ticker: string; name: string }>;
  interval: Interval;
  bars: number;
  candles: number;
  news: number;
  /** Event-time range of the bars: [SYNTHETIC_T0, end). */
  end: number;
}

/** As many tickers as needed (up to `maxTickers`) for `candles` bars in total. */
export function syntheticPlan(o: { candles: number; news: number; interval: Interval; maxTickers?: number }): SyntheticPlan {
  const directory = loadSymbolDirectory().map((e) => ({ ticker: e.ticker, name: e.names[0]! }));
  const tickers = directory.slice(0, Math.max(1, Math.min(o.maxTickers ?? 100, directory.length, o.candles)));
  const bars = Math.ceil(o.candles / tickers.length);
  return { tickers, interval: o.interval, bars, candles: bars * tickers.length, news: o.news, end: SYNTHETIC_T0 + bars * INTERVAL_MS[o.interval] };
}

/** Candles in time order (bar by bar, every ticker), in chunks of `chunk` records. */
export function* candleChunks(plan: SyntheticPlan, seed: number, chunk: number, source = 'synthetic'): Generator<Candle[]> {
  const rand = seededRandom(seed);
  const price = plan.tickers.map(() => 20 + rand() * 480);
  const step = INTERVAL_MS[plan.interval];
  let out: Candle[] = [];
  for (let bar = 0; bar < plan.bars; bar++) {
    const ts = SYNTHETIC_T0 + bar * step;
    for (let i = 0; i < plan.tickers.length; i++) {
      const open = price[i]!;
      const close = Math.max(1, open * (1 + (rand() - 0.5) * 0.004));
      price[i] = close;
      const high = Math.max(open, close) * (1 + rand() * 0.001);
      const low = Math.min(open, close) * (1 - rand() * 0.001);
      out.push({ ticker: plan.tickers[i]!.ticker, ts, interval: plan.interval, open, high, low, close, adjclose: null, volume: 1000 + Math.floor(rand() * 9000), source });
      if (out.length === chunk) {
        yield out;
        out = [];
      }
    }
  }
  if (out.length) yield out;
}

/** News in publication order, spread evenly over the bars' range, in chunks of `chunk` items. */
export function* newsChunks(plan: SyntheticPlan, seed: number, chunk: number, o: { sentences?: readonly string[]; site?: string } = {}): Generator<NewsRaw[]> {
  const rand = seededRandom(seed);
  const sentences = o.sentences ?? SYNTHETIC_SENTENCES;
  const site = o.site ?? 'synthetic.example';
  const step = (plan.end - SYNTHETIC_T0) / Math.max(1, plan.news);
  let out: NewsRaw[] = [];
  for (let i = 0; i < plan.news; i++) {
    const company = plan.tickers[Math.floor(rand() * plan.tickers.length)]!;
    const sentence = sentences[Math.floor(rand() * sentences.length)]!;
    const published = Math.floor(SYNTHETIC_T0 + i * step + rand() * step);
    out.push({
      event_uid: createHash('sha256').update(`${site}-${seed}-${i}`).digest('hex'),
      published_at: published,
      source: `https://${site}/rss`,
      title: `${company.name}: ${sentence}`,
      link: `https://${site}/news/${i}`,
      summary: null,
      fetched_at: published + 30_000 + Math.floor(rand() * 60_000),
    });
    if (out.length === chunk) {
      yield out;
      out = [];
    }
  }
  if (out.length) yield out;
}

/** Encodes and produces every chunk in bulk (idempotent producer, acks from all replicas). */
export async function produceAll<K extends TopicId>(kafka: Kafka, encoder: RecordEncoder, id: K, chunks: Iterable<Array<TopicRecords[K]>>, onChunk?: (n: number) => void): Promise<number> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let n = 0;
  try {
    for (const records of chunks) {
      await producer.send({ topic: encoder.topic(id), acks: -1, messages: await encoder.messages(id, records) });
      n += records.length;
      onChunk?.(records.length);
    }
  } finally {
    await producer.disconnect();
  }
  return n;
}
