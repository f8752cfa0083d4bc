import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { expect } from 'vitest';
import { createRegistry } from '../../core/registry.ts';
import type { ConnectionsConfig } from '../../core/config.ts';
import { topicName, type TopicId } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Candle, FeedState, NewsClassified, NewsRaw, Signal, TopicRecords } from '../../schemas/records.ts';
import { seeded } from './component-process.ts';

// A deterministic input for every topic, with corrections (a later record for a key already
// written) so that a replay in the wrong order would show, and the table contents that
// exactly-once delivery must end in.

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);

export interface FaultInputs {
  newsRaw: NewsRaw[];
  feedsState: FeedState[];
  newsClassified: NewsClassified[];
  marketCandles: Candle[];
  signals: Signal[];
}

export function faultInputs(opts: { tickers: number; minutes: number; news: number; seed: number }): FaultInputs {
  const r = seeded(opts.seed);
  const tickers = Array.from({ length: opts.tickers }, (_, i) => `T${String(i).padStart(3, '0')}`);
  const marketCandles: Candle[] = [];
  for (let m = 0; m < opts.minutes; m++) {
    for (const ticker of tickers) {
      const close = 100 + Math.round(r() * 1000) / 100;
      marketCandles.push({ ticker, ts: T0 + m * MIN, interval: '1m', open: close, high: close + 1, low: close - 1, close, adjclose: null, volume: 1000 + m, source: 'chaos' });
    }
  }
  // Every tenth bar corrected later (a revised close, still inside the bar's range): the table
  // must end with the revision.
  const bars = marketCandles.length;
  for (let i = 0; i < bars; i += 10) marketCandles.push({ ...marketCandles[i]!, close: marketCandles[i]!.close + 0.5, volume: 7 });
  const newsRaw: NewsRaw[] = [];
  const newsClassified: NewsClassified[] = [];
  for (let n = 0; n < opts.news; n++) {
    const t = T0 + Math.floor(r() * opts.minutes * MIN);
    // The dash ends the number: padding must not make n = 1 and n = 10 the same id.
    const event_uid = `chaos-${opts.seed}-${n}-`.padEnd(64, '0');
    const title = `Headline ${n} about ${tickers[n % tickers.length]}`;
    newsRaw.push({ event_uid, published_at: t, source: 'https://feed.example/rss', title, link: `https://x.example/${n}`, summary: `Summary ${n}`, fetched_at: t + MIN });
    newsClassified.push({
      event_uid,
      event_time: t,
      published_at: t,
      fetched_at: t + MIN,
      title,
      source: 'https://feed.example/rss',
      link: `https://x.example/${n}`,
      tickers: [tickers[n % tickers.length]!],
      sentiment_label: (['positive', 'negative', 'neutral'] as const)[n % 3]!,
      sentiment_score: 0.5 + (n % 50) / 100,
      event_type: 'other',
      urgency: 'routine',
      model_version: 'chaos@1',
      classified_at: t + 2 * MIN,
      story_key: null,
    });
  }
  const feedsState: FeedState[] = Array.from({ length: 20 }, (_, i) => ({
    feed_url: `https://feed${i}.example/rss`,
    etag: `"v${i}"`,
    last_modified: null,
    last_seen_published: T0 + i * MIN,
    updated_at: T0 + i * MIN,
    seen_event_uids: [],
    moved_to: null,
    earliest_poll_at: null,
    newest_item_at: T0 + i * MIN,
  }));
  const signals: Signal[] = [];
  for (let s = 0; s < Math.ceil(opts.news / 10); s++) {
    const pending: Signal = {
      signal_id: `sig-${opts.seed}-${s}`.padEnd(64, 'f'),
      ts: T0 + s * MIN,
      ticker: tickers[s % tickers.length]!,
      action: s % 2 ? 'SELL' : 'BUY',
      confidence: 0.7,
      reason: JSON.stringify({ rule: 'chaos', n: s }),
      status: 'PENDING',
      executed_at: null,
      filled_price: null,
      shares: null,
    };
    signals.push(pending);
    if (s % 2 === 0) signals.push({ ...pending, status: 'EXECUTED', executed_at: pending.ts + MIN, filled_price: 101, shares: 99 });
  }
  return { newsRaw, feedsState, newsClassified, marketCandles, signals };
}

/**
 * Produces each topic's records, in order, to the prefixed topics, `chunk` records per send. A
 * consumer fetches whole record batches, so small sends make small consumer batches (and so
 * many transactions for a kill to land in).
 */
export async function produceInputs(kafka: Kafka, conn: ConnectionsConfig, prefix: string, inputs: Partial<FaultInputs>, chunk = 5000): Promise<void> {
  const encoder = new RecordEncoder(createRegistry(conn.registry), prefix);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (const [id, records] of Object.entries(inputs) as Array<[TopicId, Array<TopicRecords[TopicId]>]>) {
      for (let i = 0; i < records.length; i += chunk) {
        await producer.send({ topic: topicName(id, prefix), acks: -1, messages: await encoder.messages(id, records.slice(i, i + chunk)) });
      }
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * Produces signals' inputs the way they arrive live: in event-time windows of `windowMs`, window
 * after window, each window's news and candles in one request. A processor reading while they
 * are written sees them no more out of order than one window, within its allowed lateness, so
 * its output must not depend on when it reads them. (Written topic by topic instead, a live
 * processor would take hours of news before the first of their candles: those would be late.)
 */
export async function produceInEventTime(kafka: Kafka, encoder: RecordEncoder, inputs: Pick<FaultInputs, 'newsClassified' | 'marketCandles'>, windowMs = MIN): Promise<void> {
  const windows = new Map<number, { newsClassified: NewsClassified[]; marketCandles: Candle[] }>();
  const windowOf = (t: number) => {
    const w = Math.floor(t / windowMs);
    if (!windows.has(w)) windows.set(w, { newsClassified: [], marketCandles: [] });
    return windows.get(w)!;
  };
  for (const n of [...inputs.newsClassified].sort((a, b) => a.event_time - b.event_time)) windowOf(n.event_time).newsClassified.push(n);
  for (const c of inputs.marketCandles) windowOf(c.ts).marketCandles.push(c);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (const w of [...windows.keys()].sort((a, b) => a - b)) {
      const { newsClassified, marketCandles } = windows.get(w)!;
      const topicMessages = [];
      if (newsClassified.length) topicMessages.push({ topic: encoder.topic('newsClassified'), messages: await encoder.messages('newsClassified', newsClassified) });
      if (marketCandles.length) topicMessages.push({ topic: encoder.topic('marketCandles'), messages: await encoder.messages('marketCandles', marketCandles) });
      await producer.sendBatch({ acks: -1, topicMessages });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Last value per key, as `key -> JSON of the compared columns`. */
function lastPerKey<T>(records: T[], key: (r: T) => string, value: (r: T) => unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of records) out.set(key(r), JSON.stringify(value(r)));
  return out;
}

/** What each table must hold after the sink drained these inputs: one row per natural key. */
export function expectedTables(i: FaultInputs): Record<string, Map<string, string>> {
  return {
    inbound_events_raw: lastPerKey(i.newsRaw, (r) => r.event_uid, (r) => [r.title, r.summary]),
    inbound_events_classified: lastPerKey(i.newsClassified, (r) => r.event_uid, (r) => [r.sentiment_label, r.sentiment_score]),
    feed_state: lastPerKey(i.feedsState, (r) => r.feed_url, (r) => [r.etag]),
    lane_telemetry: lastPerKey(i.marketCandles, (r) => `${r.ticker}@${r.ts}`, (r) => [r.close, r.volume]),
    dispatch_recommendations: lastPerKey(i.signals, (r) => r.signal_id, (r) => [r.status]),
  };
}

const TABLE_ROWS: Record<string, string> = {
  inbound_events_raw: `SELECT event_uid AS key, json_build_array(title, summary)::text AS value FROM inbound_events_raw`,
  inbound_events_classified: `SELECT r.event_uid AS key, json_build_array(c.sentiment_label, c.sentiment_score)::text AS value
    FROM inbound_events_classified c JOIN inbound_events_raw r ON r.id = c.raw_event_id`,
  feed_state: `SELECT feed_url AS key, json_build_array(etag)::text AS value FROM feed_state`,
  lane_telemetry: `SELECT ticker || '@' || (extract(epoch FROM ts) * 1000)::bigint AS key, json_build_array(close, volume)::text AS value FROM lane_telemetry`,
  dispatch_recommendations: `SELECT signal_id AS key, json_build_array(status)::text AS value FROM dispatch_recommendations`,
};

/** Every table's rows as `key -> value`, plus the number of rows (a duplicate key would make it differ). */
export async function actualTables(url: string): Promise<Record<string, { rows: number; byKey: Map<string, string> }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, { rows: number; byKey: Map<string, string> }> = {};
    for (const [table, sql] of Object.entries(TABLE_ROWS)) {
      const { rows } = await client.query<{ key: string; value: string }>(sql);
      // JSON through PostgreSQL prints numbers its own way; parse and re-print like the expectation.
      out[table] = { rows: rows.length, byKey: new Map(rows.map((r) => [r.key, JSON.stringify(JSON.parse(r.value))])) };
    }
    return out;
  } finally {
    await client.end();
  }
}

export async function countRows(url: string, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** Asserts each table holds exactly the rows these inputs must end in: one per key, last value. */
export async function expectExactTables(url: string, inputs: FaultInputs): Promise<void> {
  const actual = await actualTables(url);
  for (const [table, rows] of Object.entries(expectedTables(inputs))) {
    expect(actual[table]!.rows, table).toBe(rows.size);
    expect(actual[table]!.byKey, table).toEqual(rows);
  }
}

/** True once the tables hold as many rows as these inputs end in (a live sink has caught up). */
export async function allRowsWritten(url: string, inputs: FaultInputs): Promise<boolean> {
  const want = Object.values(expectedTables(inputs)).reduce((n, rows) => n + rows.size, 0);
  return Object.values(await actualTables(url)).reduce((n, t) => n + t.rows, 0) >= want;
}
