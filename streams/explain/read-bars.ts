import type { Kafka } from 'kafkajs';
import type { AvroCodec } from '../../core/avro-codec.ts';
import { recordName } from '../../schemas/catalog.ts';
import { INTERVAL_MS, type Interval } from '../../schemas/intervals.ts';
import type { Candle } from '../../schemas/records.ts';
import { keyPartition } from './key-partition.ts';
import { partitionCount, readLocated, type Located } from './read-located.ts';
import { firstCandlesFrom, widerCandlesFrom, type ExplainWindow } from './window.ts';

// The ticker's bars of the deployment's interval up to the signal's bar end, from its one
// partition of market.candles (keyed by ticker, never grown), reaching back until the lookback
// before the news is there: bars are not evenly spaced in time (nights, weekends, holidays).

/** Widenings before giving up on a full lookback: 4^6 lookbacks back. */
const MAX_WIDENINGS = 6;

export async function readTickerBars(kafka: Kafka, codec: AvroCodec, topic: string, ticker: string, w: ExplainWindow, lookbackBars: number, interval: Interval): Promise<Located<Candle>[]> {
  const intervalMs = INTERVAL_MS[interval];
  const partitions = [keyPartition(topic, ticker, await partitionCount(kafka, topic))];
  let from = firstCandlesFrom(w, lookbackBars, intervalMs);
  for (let widenings = 0; ; widenings++) {
    const start = from;
    const { records, fromFirst } = await readLocated<Candle>(kafka, codec, topic, {
      recordName: recordName('marketCandles'),
      partitions,
      fromMs: start,
      holding: [ticker],
      keep: (c) => c.ticker === ticker && c.interval === interval && c.ts >= start && c.ts + intervalMs <= w.barEnd,
    });
    const before = new Set(records.filter((r) => r.record.ts < w.newsFrom).map((r) => r.record.ts)).size;
    if (before >= lookbackBars || fromFirst || widenings === MAX_WIDENINGS) return records;
    from = widerCandlesFrom(w, from);
  }
}
