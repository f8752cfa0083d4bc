import type { Kafka } from 'kafkajs';
import type { AvroCodec } from '../../core/avro-codec.ts';
import { recordName } from '../../schemas/catalog.ts';
import { newsEventTime } from '../../schemas/news-event-time.ts';
import type { NewsClassified, NewsRaw } from '../../schemas/records.ts';
import { readLocated, type Located } from './read-located.ts';
import type { ExplainWindow } from './window.ts';

// The news a signal's decision is derived from: the ticker's news.classified records in the
// window (every partition: news is keyed by event_uid and its topic may have grown), and the
// news.raw records of the items the signal used.

/** The ticker's classified news with event times in the window, and any record of the `used` items there. */
export async function readTickerNews(kafka: Kafka, codec: AvroCodec, topic: string, ticker: string, w: ExplainWindow, used: ReadonlySet<string>): Promise<Located<NewsClassified>[]> {
  const inWindow = (n: NewsClassified) => {
    const t = newsEventTime(n.event_time, n.fetched_at);
    return t > w.newsFrom && t <= w.barEnd;
  };
  const { records } = await readLocated<NewsClassified>(kafka, codec, topic, {
    recordName: recordName('newsClassified'),
    fromMs: w.newsFrom,
    keep: (n) => inWindow(n) && (n.tickers.includes(ticker) || used.has(n.event_uid)),
  });
  return records;
}

/** The first news.raw record of each item, from `fromMs` (the earliest item's event time) on. */
export async function readRawNews(kafka: Kafka, codec: AvroCodec, topic: string, eventUids: readonly string[], fromMs: number): Promise<Map<string, Located<NewsRaw>>> {
  const found = new Map<string, Located<NewsRaw>>();
  if (!eventUids.length) return found;
  const wanted = new Set(eventUids);
  const { records } = await readLocated<NewsRaw>(kafka, codec, topic, { recordName: recordName('newsRaw'), fromMs, holding: eventUids, keep: (r) => wanted.has(r.event_uid) });
  for (const r of records) if (!found.has(r.record.event_uid)) found.set(r.record.event_uid, r);
  return found;
}
