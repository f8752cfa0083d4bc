import { createRegistry } from '../../core/registry.ts';
import type { ConnectionsConfig } from '../../core/config.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Candle, NewsClassified } from '../../schemas/records.ts';
import type { TestTopics } from '../../test/kafka.ts';

// The backtests' test data: ten hours of one-minute bars of AAPL, MSFT and an index IDX (bars,
// no news), a sine wave with seeded noise, and news every 20 minutes whose label follows the
// wave, so the signals have something to find. Seeded: the same records every run.

export const T0 = Date.UTC(2024, 0, 2, 14, 30);
export const MIN = 60_000;
export const RULES = { halfLifeMinutes: 15, buyThreshold: 0.6, sellThreshold: 0.6, cooldownMinutes: 30, allowedLatenessSeconds: 60 };

export async function fillBacktestRange(conn: ConnectionsConfig, topics: TestTopics): Promise<void> {
  let x = 99;
  const r = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const candles: Candle[] = [];
  const news: NewsClassified[] = [];
  for (let m = 0; m < 600; m++) {
    for (const ticker of ['AAPL', 'MSFT', 'IDX']) {
      const close = 100 + Math.sin(m / 30) * 5 + r();
      candles.push({ ticker, ts: T0 + m * MIN, interval: '1m', open: close, high: close + 0.2, low: close - 0.2, close, adjclose: null, volume: 1000, source: 'test' });
    }
    if (m % 20 === 0) {
      const label = Math.sin(m / 30) > 0 ? 'positive' : 'negative';
      news.push({ event_uid: `bt-${m}-`.padEnd(64, '0'), event_time: T0 + m * MIN + 1000, published_at: T0 + m * MIN + 1000, fetched_at: T0 + m * MIN + 2000, title: `news ${m}`, source: null, link: null, tickers: [m % 40 ? 'AAPL' : 'MSFT'], sentiment_label: label, sentiment_score: 0.95, event_type: 'other', urgency: 'routine', model_version: 'test', classified_at: T0, story_key: null });
    }
  }
  const encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
  const producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic: topicName('marketCandles', topics.prefix), acks: -1, messages: await encoder.messages('marketCandles', candles) });
  await producer.send({ topic: topicName('newsClassified', topics.prefix), acks: -1, messages: await encoder.messages('newsClassified', news) });
  await producer.disconnect();
}
