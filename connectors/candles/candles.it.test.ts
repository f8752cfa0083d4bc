import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/avro-codec.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { REPO_ROOT } from '../../deploy/local/layout.ts';
import { DLQ_HEADERS } from '../../core/dlq.ts';
import { dlqTopicName, topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Candle, NewsClassified } from '../../schemas/records.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { failedService } from '../../core/retriable.ts';
import { ONCE_ATTEMPTS } from '../../core/retry-policy.ts';
import { startCandlesSource } from './component.ts';
import { CandlesConfig } from './config.ts';
import { recordedFetch } from './recorded-fetch.ts';

// The candles source with the real yahoo-finance2 library answering from recorded Yahoo
// responses (injected fetch), producing to the real broker through the real registry.

const conn = testConnections();
const codec = new AvroCodec(createRegistry(conn.registry));
const RECORDINGS = join(REPO_ROOT, 'samples', 'yahoo-chart');
let topics: TestTopics;

async function candles(): Promise<Candle[]> {
  const out: Candle[] = [];
  await readToEnd(topics.kafka, topicName('marketCandles', topics.prefix), async (m) => void out.push(await codec.decode<Candle>(m.value)));
  return out;
}

async function runOnce(watchlist: string[], replay = recordedFetch(RECORDINGS), extra: Record<string, unknown> = {}) {
  const source = await startCandlesSource({
    connections: conn,
    config: CandlesConfig.parse({ watchlist, backfillDays: 3650, retries: 3, ...extra }),
    interval: '1d',
    prefix: topics.prefix,
    once: true,
    fetch: replay.fetch,
    now: () => Date.UTC(2025, 1, 3),
    sleep: async () => {},
  });
  return { summary: await source.done, replay };
}

beforeAll(async () => {
  topics = await testTopics('candles');
});
afterAll(async () => {
  await topics?.cleanup();
});

describe('candles source', () => {
  it('backfills every ticker from the recorded chart responses', async () => {
    const { summary, replay } = await runOnce(['AAPL', 'GOOG', 'BTC-USD', 'NOPE'], undefined, { includeTickersFromNews: false });
    expect(summary.outcomes.map((o) => [o.ticker, o.produced])).toEqual([
      ['AAPL', 49],
      ['BTC-USD', 3],
      ['GOOG', 1],
      ['NOPE', 0],
    ]);
    expect(summary.outcomes.find((o) => o.ticker === 'NOPE')!.error).toMatch(/^not-found/);
    expect(replay.requests.every((u) => u.includes('/v8/finance/chart/') && u.includes('interval=1d'))).toBe(true);

    const all = await candles();
    expect(all).toHaveLength(53);
    const aapl = all.filter((c) => c.ticker === 'AAPL');
    expect(aapl.every((c, i) => i === 0 || c.ts > aapl[i - 1]!.ts)).toBe(true);
    // 2020-08-31, the first day after Apple's 4:1 split: Yahoo's prices are split-adjusted.
    expect(new Date(aapl[0]!.ts).toISOString().slice(0, 10)).toBe('2020-08-31');
    expect(aapl[0]!.close).toBeGreaterThan(100);
    expect(aapl[0]!.close).toBeLessThan(150);
    expect(aapl.every((c) => c.adjclose !== null && c.volume !== null && c.low <= c.high)).toBe(true);
  });

  it('is incremental: a new instance finds the last candle per ticker in the topic and produces nothing new', async () => {
    const { summary } = await runOnce(['AAPL', 'GOOG', 'BTC-USD'], undefined, { includeTickersFromNews: false });
    expect(summary.produced).toBe(0);
    expect(await candles()).toHaveLength(53);
  });

  it('retries rate limits and server errors with backoff, then succeeds', async () => {
    const replay = recordedFetch(RECORDINGS);
    replay.failNext('AMZN', [429, 503, 429]);
    const { summary } = await runOnce(['AMZN'], replay, { includeTickersFromNews: false });
    expect(summary.outcomes).toEqual([{ ticker: 'AMZN', produced: 1, nullBars: 0, attempts: 4 }]);
  });

  it('gives up after the configured retries, and the other tickers go on', async () => {
    const replay = recordedFetch(RECORDINGS);
    replay.failNext('QQQ', [429, 429, 429, 429, 429]);
    const { summary } = await runOnce(['QQQ', 'SPOT'], replay, { includeTickersFromNews: false, retries: 2 });
    expect(summary.outcomes.map((o) => [o.ticker, o.produced, o.attempts, o.error?.split(':')[0]])).toEqual([
      ['QQQ', 0, 3, 'rate-limit'],
      ['SPOT', 1, 1, undefined],
    ]);
  });

  it('a registry refusing while producing is the registry\'s failure: --once gives up, Yahoo is asked once a pass', async () => {
    const replay = recordedFetch(RECORDINGS);
    const source = await startCandlesSource({
      // The real registry, under a path where it answers 404 to everything.
      connections: { ...conn, registry: { ...conn.registry, url: `${conn.registry.url}/no-such-api` } },
      config: CandlesConfig.parse({ watchlist: ['EPAC'], backfillDays: 3650, retries: 3, includeTickersFromNews: false }),
      interval: '1d',
      prefix: topics.prefix,
      once: true,
      fetch: replay.fetch,
      now: () => Date.UTC(2025, 1, 3),
      sleep: async () => {},
    });
    const failure = await source.done.then(() => undefined, (err: unknown) => err);
    expect(failedService(failure)).toBe('registry');
    // Each pass asked once: Yahoo's retries are not spent on a failure that is not Yahoo's.
    expect(replay.requests.filter((u) => u.includes('/EPAC'))).toHaveLength(ONCE_ATTEMPTS);
    // Nothing was produced, so the next pass asks Yahoo for the same bars and produces them.
    const again = await runOnce(['EPAC'], undefined, { includeTickersFromNews: false });
    expect(again.summary.outcomes.map((o) => [o.ticker, o.produced])).toEqual([['EPAC', 1]]);
  });

  it('sends a bar the schema refuses to the DLQ with the reason, produces the others, and does not get stuck on it', async () => {
    // A real recording, renamed XVOL, with one bar's volume beyond what an Avro long holds.
    const dir = mkdtempSync(join(tmpdir(), 'candles-bad-bar-'));
    const rec = JSON.parse(readFileSync(join(RECORDINGS, 'chart-AAPL-2020-08-31-to-2020-11-07.json'), 'utf8'));
    rec.request.url = rec.request.url.replace('/chart/AAPL', '/chart/XVOL');
    rec.response.bodyJson.chart.result[0].meta.symbol = 'XVOL';
    rec.response.bodyJson.chart.result[0].indicators.quote[0].volume[2] = 1e19;
    writeFileSync(join(dir, 'chart-XVOL.json'), JSON.stringify(rec));

    const { summary } = await runOnce(['XVOL'], recordedFetch(dir), { includeTickersFromNews: false });
    expect(summary.outcomes).toEqual([{ ticker: 'XVOL', produced: 48, nullBars: 0, attempts: 1, rejected: 1 }]);
    const dlq: Array<{ key: string; value: Candle; reason: string; stage: string }> = [];
    await readToEnd(topics.kafka, dlqTopicName('marketCandles', topics.prefix), async (m) => {
      const h = (k: string) => String(m.headers?.[k]);
      dlq.push({ key: String(m.key), value: JSON.parse(String(m.value)), reason: h(DLQ_HEADERS.errorMessage), stage: h(DLQ_HEADERS.stage) });
    });
    expect(dlq).toEqual([{ key: 'XVOL', value: expect.objectContaining({ ticker: 'XVOL', volume: 1e19 }), reason: expect.stringMatching(/volume/), stage: 'candles' }]);
    expect((await candles()).filter((c) => c.ticker === 'XVOL')).toHaveLength(48);
    // The next pass starts after the last bar produced: nothing is asked for twice.
    const again = await runOnce(['XVOL'], recordedFetch(dir), { includeTickersFromNews: false });
    expect(again.summary.outcomes).toEqual([{ ticker: 'XVOL', produced: 0, nullBars: 0, attempts: 1 }]);
  });

  it('sends bars no market could trade to the DLQ with their reasons, holds back a bar from the future, and produces every other bar', async () => {
    // A real recording, renamed XBAD, with bars no market could trade and a last bar in 2030:
    // beyond the source's clock and beyond the hour ahead the broker accepts.
    const dir = mkdtempSync(join(tmpdir(), 'candles-untradeable-'));
    const rec = JSON.parse(readFileSync(join(RECORDINGS, 'chart-AAPL-2020-08-31-to-2020-11-07.json'), 'utf8'));
    rec.request.url = rec.request.url.replace('/chart/AAPL', '/chart/XBAD');
    const result = rec.response.bodyJson.chart.result[0];
    result.meta.symbol = 'XBAD';
    const q = result.indicators.quote[0];
    q.open[3] = 0;
    q.low[3] = 0;
    [q.high[5], q.low[5]] = [q.low[5], q.high[5]];
    q.close[7] = q.high[7] * 2;
    q.volume[9] = -100;
    result.timestamp[12] = result.timestamp[11];
    const last = result.timestamp.length - 1;
    result.timestamp[last] = Date.UTC(2030, 0, 2, 14, 30) / 1000;
    writeFileSync(join(dir, 'chart-XBAD.json'), JSON.stringify(rec));

    const { summary } = await runOnce(['XBAD'], recordedFetch(dir), { includeTickersFromNews: false });
    expect(summary.outcomes).toEqual([{ ticker: 'XBAD', produced: 49 - 6 - 1, nullBars: 0, attempts: 1, rejected: 6 }]);
    const reasons: string[] = [];
    await readToEnd(topics.kafka, dlqTopicName('marketCandles', topics.prefix), async (m) => {
      if (String(m.key) === 'XBAD') reasons.push(String(m.headers?.[DLQ_HEADERS.errorMessage]));
    });
    expect(reasons.sort()).toEqual(
      [/^open = 0 is not a positive price$|^low = 0 is not a positive price$/, /^high .* is below low /, /^close .* is outside the bar's range/, /^volume = -100 is negative$/, /^2 bars at .* in one answer$/, /^2 bars at .* in one answer$/]
        .map((re) => reasons.find((r) => re.test(r)) ?? `no reason matching ${re}`)
        .sort(),
    );
    const produced = (await candles()).filter((c) => c.ticker === 'XBAD');
    expect(produced).toHaveLength(42);
    expect(produced.every((c) => c.ts < Date.UTC(2021, 0, 1))).toBe(true);
    // The next pass asks for what follows the last bar produced or refused for good: only the
    // bar from the future again, which is still held back; nothing is sent twice.
    const again = await runOnce(['XBAD'], recordedFetch(dir), { includeTickersFromNews: false });
    expect(again.summary.outcomes).toEqual([{ ticker: 'XBAD', produced: 0, nullBars: 0, attempts: 1 }]);
  });

  it('adds the tickers named in classified news to the watchlist', async () => {
    const encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
    const news: NewsClassified = {
      event_uid: 'e'.repeat(64),
      event_time: 0,
      published_at: null,
      fetched_at: 0,
      title: 'Alibaba and Baba news',
      source: null,
      link: null,
      tickers: ['BABA', 'CRON'],
      sentiment_label: 'neutral',
      sentiment_score: 0.8,
      event_type: null,
      urgency: null,
      model_version: 'test',
      classified_at: 0,
      story_key: null,
    };
    const producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic: topicName('newsClassified', topics.prefix), acks: -1, messages: [await encoder.message('newsClassified', news)] });
    await producer.disconnect();
    const { summary } = await runOnce([]);
    expect(summary.outcomes.map((o) => [o.ticker, o.produced])).toEqual([
      ['BABA', 1],
      ['CRON', 1],
    ]);
  });
});
