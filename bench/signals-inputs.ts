import type { Kafka } from 'kafkajs';
import { produceAll } from '../cli/synthetic-data.ts';
import type { RecordEncoder } from '../schemas/record-encoder.ts';
import type { Candle, NewsClassified } from '../schemas/records.ts';
import { storyKey } from '../streams/story/story-key.ts';

// The signals benches' inputs: one-minute bars of `tickers` tickers, `count` in all, and ten
// classified news items a minute about random tickers of them. Seeded: the same every run.

const T0 = Date.UTC(2024, 0, 2, 14, 30);

export function signalsInputs(count: number, tickers: number): { news: NewsClassified[]; candles: Candle[] } {
  let x = 12345;
  const r = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const candles: Candle[] = [];
  const news: NewsClassified[] = [];
  const minutes = Math.ceil(count / tickers);
  for (let m = 0; m < minutes; m++) {
    for (let t = 0; t < tickers; t++) {
      const close = 100 + r() * 5;
      candles.push({ ticker: `T${t}`, ts: T0 + m * 60_000, interval: '1m', open: close, high: close + 0.1, low: close - 0.1, close, adjclose: null, volume: 1000, source: 'bench' });
    }
    for (let k = 0; k < 10; k++) {
      const at = T0 + (m + r()) * 60_000;
      // One headline per item: identical headlines would be copies of one story and count once.
      const title = `bench ${m} ${k}`;
      news.push({
        event_uid: `${m}-${k}-`.padEnd(64, 'n'),
        event_time: Math.round(at),
        published_at: Math.round(at),
        fetched_at: Math.round(at),
        title,
        source: null,
        link: null,
        tickers: [`T${Math.floor(r() * tickers)}`],
        sentiment_label: ['positive', 'negative', 'neutral'][Math.floor(r() * 3)]!,
        sentiment_score: 0.5 + r() / 2,
        event_type: 'other',
        urgency: 'routine',
        model_version: 'bench',
        classified_at: Math.round(at),
        // As classify writes it: the story key of the title.
        story_key: storyKey(title),
      });
    }
  }
  return { news, candles };
}

function* chunks<T>(records: T[], size: number): Generator<T[]> {
  for (let i = 0; i < records.length; i += size) yield records.slice(i, i + size);
}

/** Writes the inputs to market.candles and news.classified before a bench reads them. */
export async function fillSignalsTopics(kafka: Kafka, encoder: RecordEncoder, data: { news: NewsClassified[]; candles: Candle[] }): Promise<number> {
  return (await produceAll(kafka, encoder, 'marketCandles', chunks(data.candles, 10_000))) + (await produceAll(kafka, encoder, 'newsClassified', chunks(data.news, 10_000)));
}
