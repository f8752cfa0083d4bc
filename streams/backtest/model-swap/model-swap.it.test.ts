import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../../core/registry.ts';
import { TOPIC_IDS, topicName } from '../../../schemas/catalog.ts';
import { RecordEncoder } from '../../../schemas/record-encoder.ts';
import type { Candle, NewsRaw } from '../../../schemas/records.ts';
import { testConnections, testTopics, type TestTopics } from '../../../test/kafka.ts';
import { ClassifyConfig } from '../../classify/config.ts';
import { MODELS_DIR } from '../../classify/model/sentiment-model.ts';
import { BacktestSettings } from '../config.ts';
import { classifyOnce } from './classify-once.ts';
import { runModelSwap, type ModelSwapOptions } from './model-swap.ts';

// A model swap against the real broker and registry: news.raw and candles under a test prefix,
// the live news.classified written by the classify processor with the shipped model. Swapping
// in the shipped model again changes nothing; a copy of it whose config.json trades the
// positive and negative label names flips labels and so signals. The live topics stay as they
// were, and a second run writes the same model-swap.md byte for byte.

const conn = testConnections();
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const MIN = 60_000;
const SHIPPED = join(MODELS_DIR, 'compact-finsent');
const HEADLINES = [
  'Apple shares jump after record quarterly revenue',
  'Microsoft stock plunges after profit warning',
  'Apple beats estimates as iPhone sales soar',
  'Microsoft misses estimates and cuts outlook',
  'Apple holds annual shareholder meeting',
  'Apple raises dividend and expands buyback',
  'Microsoft shares fall sharply on weak cloud growth',
  'Apple profit surges on strong services growth',
  'Microsoft reports steep drop in quarterly earnings',
  'Microsoft to present at developer conference',
  'Apple upgraded to buy by analysts citing strong demand',
  'Microsoft downgraded as sales decline',
  'Apple stock rallies to all-time high',
  'Microsoft loses key antitrust case, shares slide',
  'Apple sales decline sharply as demand weakens',
  'Microsoft posts record revenue and raises forecast',
  'Apple wins major enterprise contract, shares climb',
  'Microsoft revenue falls short, stock tumbles',
  'Apple shares slump after weak guidance',
  'Microsoft profit beats expectations, shares rise',
];
let topics: TestTopics;
let flipped: string;
const dirs: string[] = [];
const tempDir = (label: string) => {
  const dir = mkdtempSync(join(tmpdir(), label));
  dirs.push(dir);
  return dir;
};

/** A copy of the shipped model whose config.json names output 0 negative and output 1 positive. */
function flippedModel(): string {
  const dir = tempDir('opsp-model-swap-');
  for (const f of ['model.onnx', 'vocab.txt']) symlinkSync(join(SHIPPED, f), join(dir, f));
  const config = JSON.parse(readFileSync(join(SHIPPED, 'config.json'), 'utf8')) as Record<string, unknown>;
  const key = config.labels ? 'labels' : 'id2label';
  const labels = config[key] as Record<string, string>;
  const swap: Record<string, string> = { positive: 'negative', negative: 'positive', neutral: 'neutral' };
  config[key] = Object.fromEntries(Object.entries(labels).map(([i, l]) => [i, swap[l.toLowerCase()]!]));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  return dir;
}

const options = (modelDir: string): ModelSwapOptions => ({
  connections: conn,
  prefix: topics.prefix,
  candleInterval: '1m',
  from: T0 + 60 * MIN,
  to: T0 + 480 * MIN,
  settings: BacktestSettings.parse({ rules: { halfLifeMinutes: 15, buyThreshold: 0.6, sellThreshold: 0.6, cooldownMinutes: 30, allowedLatenessSeconds: 60 }, horizonsMinutes: [30, 60] }),
  outDir: tempDir('opsp-model-swap-out-'),
  modelDir,
  classify: ClassifyConfig.parse({}),
});

async function liveOffsets(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const id of TOPIC_IDS) for (const p of await topics.admin.fetchTopicOffsets(topicName(id, topics.prefix))) out[`${id}:${p.partition}`] = p.high;
  return out;
}

beforeAll(async () => {
  topics = await testTopics('model-swap');
  flipped = flippedModel();
  const candles: Candle[] = [];
  for (let m = 0; m < 600; m++) {
    for (const ticker of ['AAPL', 'MSFT']) {
      const close = 100 + Math.sin(m / 30) * 5 + ((m * 7919) % 13) / 100;
      candles.push({ ticker, ts: T0 + m * MIN, interval: '1m', open: close, high: close + 0.2, low: close - 0.2, close, adjclose: null, volume: 1000, source: 'test' });
    }
  }
  const news: NewsRaw[] = HEADLINES.map((title, i) => ({
    event_uid: i.toString(16).padStart(64, 'e'),
    published_at: T0 + (5 + i * 25) * MIN,
    source: 'https://feed/rss',
    title,
    link: null,
    summary: null,
    fetched_at: T0 + (5 + i * 25) * MIN + 1000,
  }));
  const encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
  const producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic: topicName('marketCandles', topics.prefix), acks: -1, messages: await encoder.messages('marketCandles', candles) });
  await producer.send({ topic: topicName('newsRaw', topics.prefix), acks: -1, messages: await encoder.messages('newsRaw', news) });
  await producer.disconnect();
  // The live classification: the classify processor with the shipped model, as the candidate's.
  const summary = await classifyOnce({ connections: conn, prefix: topics.prefix, candleInterval: '1m' }, ClassifyConfig.parse({ modelDir: SHIPPED }));
  expect(summary.classified).toBe(HEADLINES.length);
});
afterAll(async () => {
  await topics?.cleanup();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('backtest --model', () => {
  it('the shipped model against its own classification: no label and no signal changes', async () => {
    const before = await liveOffsets();
    const o = options(SHIPPED);
    const r = await runModelSwap(o);
    expect(r.scratchPrefix).toMatch(new RegExp(`^${topics.prefix.replace(/\./g, '\\.')}scratch-[0-9a-f]{8}\\.$`));
    expect(r.labels.compared).toBeGreaterThan(10);
    expect(r.labels).toMatchObject({ changed: [], onlyLive: 0, onlyCandidate: 0 });
    expect(r.signals.kept).toBeGreaterThan(2);
    expect(r.signals).toMatchObject({ added: [], removed: [] });
    expect(r.metrics.filter((m) => m.delta !== null && m.delta !== 0)).toEqual([]);
    expect(readFileSync(join(o.outDir, 'model-swap.md'), 'utf8')).toMatch(/^0 of \d+ news items changed label/m);
    expect(await liveOffsets()).toEqual(before);
  });

  it('labels swapped in config.json: labels flip, signals are added and removed; the live topics untouched; a second run is byte-identical', async () => {
    const before = await liveOffsets();
    const first = options(flipped);
    const a = await runModelSwap(first);
    expect(a.scratch).toBe('copied');
    expect(a.labels.changed.length).toBeGreaterThan(10);
    expect(a.labels.changed.every((c) => c.live.label !== 'neutral' && c.candidate.label !== c.live.label && c.candidate.score === c.live.score)).toBe(true);
    expect(a.signals.added.length).toBeGreaterThan(0);
    expect(a.signals.removed.length).toBeGreaterThan(0);
    expect(a.metrics.find((m) => m.metric === 'signals')).toBeDefined();
    const md = readFileSync(join(first.outDir, 'model-swap.md'), 'utf8');
    expect(md).toContain(`| ${a.labels.changed[0]!.eventUid} |`);
    expect(md).toContain(`| ${a.signals.added[0]!.signal_id} |`);
    for (const f of ['live/report.md', 'live/signals.csv', 'candidate/report.md', 'candidate/signals.csv']) expect(readFileSync(join(first.outDir, f), 'utf8').length).toBeGreaterThan(0);
    expect(await liveOffsets()).toEqual(before);

    const second = options(flipped);
    const b = await runModelSwap(second);
    expect(b.scratchPrefix).toBe(a.scratchPrefix);
    expect(b.scratch).toBe('reused');
    for (const f of ['model-swap.md', 'live/report.md', 'candidate/report.md', 'candidate/signals.csv']) expect(readFileSync(join(second.outDir, f), 'utf8'), f).toBe(readFileSync(join(first.outDir, f), 'utf8'));
    expect(await liveOffsets()).toEqual(before);
  });
});
