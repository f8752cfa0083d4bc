import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRegistry } from '../../core/registry.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Candle, NewsClassified } from '../../schemas/records.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { SignalRules } from '../signals/config.ts';
import { runBacktest } from './backtest.ts';

// A backtest replays the real topics for a range and writes its own files: the same inputs
// and settings give byte-identical files, and the live signals topic stays untouched.

const conn = testConnections();
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const MIN = 60_000;
let topics: TestTopics;

beforeAll(async () => {
  topics = await testTopics('backtest');
  let x = 99;
  const r = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const candles: Candle[] = [];
  const news: NewsClassified[] = [];
  for (let m = 0; m < 600; m++) {
    for (const ticker of ['AAPL', 'MSFT']) {
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
});
afterAll(async () => {
  await topics?.cleanup();
});

it('scores a range and writes byte-identical files on a second run', async () => {
  const run = async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'opsp-backtest-'));
    const stats = await runBacktest({
      connections: conn,
      prefix: topics.prefix,
      candleInterval: '1m',
      from: T0 + 60 * MIN,
      to: T0 + 480 * MIN,
      rules: SignalRules.parse({ halfLifeMinutes: 15, buyThreshold: 0.6, sellThreshold: 0.6, cooldownMinutes: 30, allowedLatenessSeconds: 60 }),
      horizonsMinutes: [30, 60],
      outDir,
    });
    return { stats, files: Object.fromEntries(['report.md', 'signals.csv', 'equity.svg'].map((f) => [f, readFileSync(join(outDir, f), 'utf8')])) };
  };
  const a = await run();
  const b = await run();
  expect(a.stats.signals).toBeGreaterThan(3);
  expect(a.stats.horizons[0]!.scored).toBe(a.stats.signals);
  expect(b.files).toEqual(a.files);
  expect(a.files['report.md']).toMatch(/\| 30 min \| \d+ \| [\d.]+ % \|/);
  expect(a.files['signals.csv']!.split('\n')[0]).toBe('signal_id,ts,ticker,action,confidence,entry,return_30m,return_60m');
  expect(a.files['equity.svg']).toMatch(/^<svg .*<polyline/s);
  // Every signal is inside the range.
  const times = a.files['signals.csv']!.trim().split('\n').slice(1).map((l) => Date.parse(l.split(',')[1]!));
  expect(times.every((t) => t >= T0 + 60 * MIN && t <= T0 + 480 * MIN)).toBe(true);
  // The live signals topic is untouched.
  const offsets = await topics.admin.fetchTopicOffsets(topicName('signals', topics.prefix));
  expect(offsets.every((p) => p.high === '0')).toBe(true);
});
