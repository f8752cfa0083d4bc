import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { loadSymbolDirectory } from '../../streams/classify/tickers/symbol-directory.ts';
import type { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { TopicId } from '../../schemas/catalog.ts';
import type { Candle, NewsRaw, TopicRecords } from '../../schemas/records.ts';
import { seeded } from '../chaos/component-process.ts';

// The soak test's inputs, the same for a given seed and size: 5-minute bars of the first
// tickers of the shipped symbol directory (a random walk each), and news whose headlines
// join a company name of those tickers with a real Financial PhraseBank sentence, published
// inside the bars' range in time order, so the classifier finds the ticker and signals fire.

export const BAR_MS = 5 * 60_000;
/** The deployment's interval (topics.candleInterval's default). */
export const BAR_INTERVAL = '5m';
export const T0 = Date.UTC(2024, 0, 2, 0, 0);
const PHRASEBANK = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'phrasebank', 'phrasebank.tsv');

export interface SoakPlan {
  tickers: Array<{ ticker: string; name: string }>;
  bars: number;
  candles: number;
  news: number;
  /** Event-time range of the bars: [T0, end). */
  end: number;
}

/** As many tickers as needed (up to `maxTickers`) for `candles` bars in total. */
export function soakPlan(candles: number, news: number, maxTickers = 100): SoakPlan {
  const directory = loadSymbolDirectory().map((e) => ({ ticker: e.ticker, name: e.names[0]! }));
  const tickers = directory.slice(0, Math.min(maxTickers, directory.length, candles));
  const bars = Math.ceil(candles / tickers.length);
  return { tickers, bars, candles: bars * tickers.length, news, end: T0 + bars * BAR_MS };
}

/** Candles in time order (bar by bar, every ticker), in chunks of `chunk` records. */
export function* candleChunks(plan: SoakPlan, seed: number, chunk: number): Generator<Candle[]> {
  const rand = seeded(seed);
  const price = plan.tickers.map(() => 20 + rand() * 480);
  let out: Candle[] = [];
  for (let bar = 0; bar < plan.bars; bar++) {
    const ts = T0 + bar * BAR_MS;
    for (let i = 0; i < plan.tickers.length; i++) {
      const open = price[i]!;
      const close = Math.max(1, open * (1 + (rand() - 0.5) * 0.004));
      price[i] = close;
      const high = Math.max(open, close) * (1 + rand() * 0.001);
      const low = Math.min(open, close) * (1 - rand() * 0.001);
      out.push({ ticker: plan.tickers[i]!.ticker, ts, interval: BAR_INTERVAL, open, high, low, close, adjclose: null, volume: 1000 + Math.floor(rand() * 9000), source: 'soak' });
      if (out.length === chunk) {
        yield out;
        out = [];
      }
    }
  }
  if (out.length) yield out;
}

function phrasebankSentences(): string[] {
  return readFileSync(PHRASEBANK, 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t')[2]?.trim())
    .filter((s): s is string => Boolean(s));
}

/** News in publication order, spread evenly over the bars' range, in chunks of `chunk` items. */
export function* newsChunks(plan: SoakPlan, seed: number, chunk: number): Generator<NewsRaw[]> {
  const rand = seeded(seed);
  const sentences = phrasebankSentences();
  const step = (plan.end - T0) / plan.news;
  let out: NewsRaw[] = [];
  for (let i = 0; i < plan.news; i++) {
    const company = plan.tickers[Math.floor(rand() * plan.tickers.length)]!;
    const sentence = sentences[Math.floor(rand() * sentences.length)]!;
    const published = Math.floor(T0 + i * step + rand() * step);
    out.push({
      event_uid: createHash('sha256').update(`soak-${seed}-${i}`).digest('hex'),
      published_at: published,
      source: 'https://soak.example/rss',
      title: `${company.name}: ${sentence}`,
      link: `https://soak.example/news/${i}`,
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
export async function produceAll<K extends TopicId>(kafka: Kafka, encoder: RecordEncoder, id: K, chunks: Iterable<Array<TopicRecords[K]>>): Promise<number> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let n = 0;
  try {
    for (const records of chunks) {
      await producer.send({ topic: encoder.topic(id), acks: -1, messages: await encoder.messages(id, records) });
      n += records.length;
    }
  } finally {
    await producer.disconnect();
  }
  return n;
}
