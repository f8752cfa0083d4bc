import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/avro-codec.ts';
import { createRegistry } from '../../core/registry.ts';
import { startProcessor } from '../../core/runtime/processor-runtime.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { REPO_ROOT } from '../../deploy/local/layout.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Candle, NewsClassified, NewsRaw, Signal } from '../../schemas/records.ts';
import { writeConfig } from '../../test/chaos/component-process.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { signalsComponent } from '../signals/component.ts';
import { SignalsConfig, type SignalRules } from '../signals/config.ts';
import type { Explanation } from './explain.ts';

// `explain` as the real CLI against real topics: news (with copies of one story from a second
// feed) and bars under a fresh prefix, the real signals processor making signals from them,
// then one signal explained — every item it counted with the partition and offset of its
// news.classified and news.raw records, its bars, the decision derived again and matching —
// and the other endings: a signal that does not exist, other rules in the config, a record
// the signal used deleted from its topic.

const conn = testConnections();
const codec = new AvroCodec(createRegistry(conn.registry));
const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const rules: Partial<SignalRules> = { allowedLatenessSeconds: 300, halfLifeMinutes: 20, buyThreshold: 1.2, sellThreshold: 1.2, cooldownMinutes: 30, lookbackBars: 3 };

function data(): { raw: NewsRaw[]; news: NewsClassified[]; candles: Candle[] } {
  const raw: NewsRaw[] = [];
  const news: NewsClassified[] = [];
  const candles: Candle[] = [];
  for (let m = 0; m < 180; m++) {
    for (const ticker of ['AAPL', 'MSFT']) {
      const close = 100 + Math.sin(m / 25) * 2;
      candles.push({ ticker, ts: T0 + m * MIN, interval: '1m', open: close, high: close + 0.1, low: close - 0.1, close, adjclose: null, volume: 1000 + (m % 7) * 50, source: 'test' });
    }
    if (m % 6 === 0) {
      const positive = Math.floor(m / 60) % 2 === 0;
      const t = T0 + m * MIN + 20_000;
      const add = (uid: string, title: string, source: string, at: number, label: string) => {
        raw.push({ event_uid: uid, published_at: at, source, title, link: `${source}/${uid.slice(0, 8)}`, summary: null, fetched_at: at + 30_000 });
        news.push({ event_uid: uid, event_time: at, published_at: at, fetched_at: at + 30_000, title, source, link: `${source}/${uid.slice(0, 8)}`, tickers: [m % 24 ? 'AAPL' : 'MSFT'], sentiment_label: label, sentiment_score: 0.9, event_type: 'earnings', urgency: 'routine', model_version: 'test@1', classified_at: at + 60_000, story_key: null });
      };
      const title = `${m % 24 ? 'Apple' : 'Microsoft'} ${positive ? 'beats' : 'misses'} estimates as ${['services', 'iPhone', 'Mac', 'wearables', 'China', 'India', 'Europe', 'ads', 'chips', 'cloud'][(m / 6) % 10]} revenue ${positive ? 'jumps' : 'slides'} in quarter ${m}`;
      add(`ex-${m}-`.padEnd(64, '0'), title, 'https://wire.example/feed.xml', t, positive ? 'positive' : 'negative');
      // A second feed republishes every other story a minute later: one story, counted once.
      if (m % 12 === 6) add(`ex-${m}-copy-`.padEnd(64, '0'), `UPDATE 1-${title} - Reuters`, 'https://copies.example/rss', t + MIN, positive ? 'negative' : 'positive');
    }
  }
  return { raw, news, candles };
}

let topics: TestTopics;
let signals: Signal[];
/** The signal explained: the one that counted the most news. */
let chosen: Signal;
const positions = new Map<string, { topic: string; partition: number; offset: string }>();

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `ops-pipeline --topic-prefix <ours> --candle-interval 1m <args>`: the real CLI, stdout apart. */
function cli(args: string[], config: Partial<SignalRules> = rules): Promise<CliRun> {
  const file = writeConfig({ signals: { rules: config } });
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'ops-pipeline.js'), '--topic-prefix', topics.prefix, '--candle-interval', '1m', '--config', file, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

async function explainJson(args: string[], config?: Partial<SignalRules>): Promise<{ code: number | null; e: Explanation; stderr: string }> {
  const run = await cli([...args, '--json'], config);
  try {
    return { code: run.code, e: JSON.parse(run.stdout) as Explanation, stderr: run.stderr };
  } catch {
    throw new Error(`exit ${run.code}, not JSON:\n${run.stdout}\n${run.stderr}`);
  }
}

beforeAll(async () => {
  topics = await testTopics('explain');
  const d = data();
  const encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
  const producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic: topicName('newsRaw', topics.prefix), acks: -1, messages: await encoder.messages('newsRaw', d.raw) });
  await producer.send({ topic: topicName('newsClassified', topics.prefix), acks: -1, messages: await encoder.messages('newsClassified', d.news) });
  await producer.send({ topic: topicName('marketCandles', topics.prefix), acks: -1, messages: await encoder.messages('marketCandles', d.candles) });
  await producer.disconnect();
  const p = await startProcessor(signalsComponent, SignalsConfig.parse({ idleExitMs: 1500, rules }), { connections: conn, prefix: topics.prefix, candleInterval: '1m' }, { once: true });
  await p.done;

  signals = [];
  await readToEnd(topics.kafka, topicName('signals', topics.prefix), async (m) => void signals.push(await codec.decode<Signal>(m.value)));
  const counted = (s: Signal) => (JSON.parse(s.reason) as { news: unknown[] }).news.length;
  const copies = (s: Signal) => (JSON.parse(s.reason) as { copies?: unknown[] }).copies?.length ?? 0;
  chosen = [...signals].sort((a, b) => copies(b) - copies(a) || counted(b) - counted(a) || a.ts - b.ts)[0]!;
  for (const id of ['newsClassified', 'newsRaw'] as const) {
    const topic = topicName(id, topics.prefix);
    await readToEnd(topics.kafka, topic, async (m, partition) => void positions.set(`${id} ${(await codec.decode<{ event_uid: string }>(m.value)).event_uid}`, { topic, partition, offset: m.offset }));
  }
});
afterAll(async () => {
  await topics?.cleanup();
});

describe('explain', () => {
  it('lists every item the signal counted with its records, its bars, and derives the same decision', async () => {
    const reason = JSON.parse(chosen.reason) as Explanation['signal']['reason'];
    expect(signals.length).toBeGreaterThan(3);
    expect(reason.news.length).toBeGreaterThan(1);
    expect(reason.copies?.length).toBeGreaterThan(0);

    const { code, e, stderr } = await explainJson(['explain', chosen.signal_id]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(e.signal).toMatchObject({ signal_id: chosen.signal_id, ticker: chosen.ticker, action: chosen.action, confidence: chosen.confidence, status: 'PENDING', reason });
    expect(e.news.map((n) => n.event_uid)).toEqual(reason.news.map((n) => n.event_uid));
    for (const n of e.news) {
      expect(n.classified, n.event_uid).toMatchObject({ ...positions.get(`newsClassified ${n.event_uid}`), model_version: 'test@1', label: n.label, score: n.score, event_type: 'earnings', urgency: 'routine', source: 'https://wire.example/feed.xml', records: 1 });
      expect(n.classified!.title).toMatch(/^(Apple|Microsoft) (beats|misses) estimates/);
      expect(n.raw, n.event_uid).toMatchObject({ ...positions.get(`newsRaw ${n.event_uid}`), title: n.classified!.title });
    }
    // The copies of a story the signal left out, with their records: another feed's headline.
    expect(e.copies.map((c) => [c.event_uid, c.copy_of])).toEqual(reason.copies!.map((c) => [c.event_uid, c.copy_of]));
    const titles = new Map(data().news.map((n) => [n.event_uid, n.title]));
    for (const c of e.copies) expect(c).toMatchObject({ title: titles.get(c.event_uid), at: positions.get(`newsClassified ${c.event_uid}`) });
    expect(e.copies.some((c) => c.title!.startsWith('UPDATE 1-'))).toBe(true);
    // Each item's share, decayed by its age, adds up to the recorded sentiment.
    expect(e.news.reduce((s, n) => s + n.contribution, 0)).toBeCloseTo(reason.sentiment, 5);
    expect(e.bars.signal).toMatchObject({ ts: reason.bar.ts, close: reason.bar.close, volume: reason.bar.volume, topic: topicName('marketCandles', topics.prefix) });
    expect(e.bars.lookback).toHaveLength(reason.lookback_bars);
    expect(e.bars.lookback.at(-1)!.ts).toBe(new Date(Date.parse(reason.bar.ts) - MIN).toISOString());
    expect(e.rules.recorded).toEqual({ threshold: 1.2, half_life_minutes: 20 });
    expect(e.rederived).toMatchObject({ matches: true, differences: [], causes: [] });
    expect(JSON.stringify(e.rederived.signal!.reason)).toBe(chosen.reason);
  });

  it('reads the ticker\'s one partition with --ticker, and prints a text layout', async () => {
    const run = await cli(['explain', chosen.signal_id, '--ticker', chosen.ticker]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`  ${chosen.action} ${chosen.ticker} at the end of the bar, ${new Date(chosen.ts).toISOString()}; confidence ${chosen.confidence}\n`);
    for (const n of (JSON.parse(chosen.reason) as Explanation['signal']['reason']).news) {
      const p = positions.get(`newsClassified ${n.event_uid}`)!;
      expect(run.stdout).toContain(`     event_uid ${n.event_uid}\n     ${p.topic} partition ${p.partition} offset ${p.offset}: model test@1`);
    }
    expect(run.stdout).toMatch(/: matches the stored signal \(same action, confidence and reason\)\n$/);
    // Another ticker's partition holds no such signal.
    const other = await cli(['explain', chosen.signal_id, '--ticker', chosen.ticker === 'AAPL' ? 'MSFT' : 'AAPL']);
    expect(other.code).toBe(7);
  });

  it('a signal that does not exist: exit 7, nothing on stdout', async () => {
    const run = await cli(['explain', 'f'.repeat(64)]);
    expect(run.code).toBe(7);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`error: signal ${'f'.repeat(64)} is not in ${topicName('signals', topics.prefix)}\n`);
    // A signals topic that does not exist is a configuration error, not a missing signal.
    const nowhere = await cli(['explain', chosen.signal_id, '--signals-topic', `${topics.prefix}nowhere`]);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/^error: --signals-topic: t-explain-\w+\.nowhere does not exist\n$/);
  });

  it('other rules in the config: exit 8, what differs, and that the recorded rules give the stored signal', async () => {
    const key = chosen.action === 'BUY' ? 'buyThreshold' : 'sellThreshold';
    const { code, e, stderr } = await explainJson(['explain', chosen.signal_id], { ...rules, [key]: 1.1 });
    expect(code).toBe(8);
    expect(stderr).toMatch(/^error: signal [0-9a-f]{64}: the decision derived again from the topics differs from the stored one \(rules: signals\.rules\.\w+Threshold is 1\.1/);
    expect(e.rederived.matches).toBe(false);
    expect(e.rederived.differences.length).toBeGreaterThan(0);
    // A lower threshold is reached earlier: a signal at this bar with another threshold, or one
    // before it whose cooldown holds this one back.
    if (e.rederived.signal) expect(e.rederived.differences).toContainEqual({ field: 'reason.threshold', stored: 1.2, derived: 1.1 });
    else expect(e.rederived.causes).toContainEqual(expect.stringMatching(new RegExp(`^cooldown: with the configured rules the engine signals ${chosen.action} at `)));
    expect(e.rederived.causes.slice(0, 2)).toEqual([
      `rules: signals.rules.${key} is 1.1 in the config; the signal was decided with 1.2`,
      `with the recorded ${key} and halfLifeMinutes the records give the stored signal exactly: the run that made it had other rules than this config`,
    ]);
  });

  it('a news item the signal counted deleted from news.classified: exit 8, the record named missing', async () => {
    const reason = JSON.parse(chosen.reason) as Explanation['signal']['reason'];
    const gone = positions.get(`newsClassified ${reason.news[0]!.event_uid}`)!;
    await topics.admin.deleteTopicRecords({ topic: gone.topic, partitions: [{ partition: gone.partition, offset: String(Number(gone.offset) + 1) }] });
    const { code, e } = await explainJson(['explain', chosen.signal_id]);
    expect(code).toBe(8);
    expect(e.news[0]!.classified).toBeNull();
    expect(e.rederived.causes[0]).toMatch(new RegExp(`^records missing: \\d+ news item\\(s\\) the signal used are not in ${gone.topic.replace(/\./g, '\\.')} .*${reason.news[0]!.event_uid}`));
  });
});
