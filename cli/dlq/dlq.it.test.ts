import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Partitioners, type KafkaMessage, type Producer } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCandlesSource } from '../../connectors/candles/component.ts';
import { CandlesConfig } from '../../connectors/candles/config.ts';
import { recordedFetch } from '../../connectors/candles/recorded-fetch.ts';
import { SinkConfig } from '../../connectors/postgres-sink/config.ts';
import { startPostgresSink } from '../../connectors/postgres-sink/component.ts';
import { DLQ_HEADERS } from '../../core/dlq.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { REPO_ROOT } from '../../deploy/local/layout.ts';
import { dlqTopicName, topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Interval } from '../../schemas/intervals.ts';
import type { Candle, Signal } from '../../schemas/records.ts';
import { SAMPLES } from '../../schemas/samples.ts';
import { frame } from '../../test/bad-records.ts';
import { runToEnd, startComponent } from '../../test/chaos/component-process.ts';
import { freshDatabase } from '../../test/database.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { dlqTopics } from './dlq-topics.ts';
import type { DlqTopicSummary } from './list.ts';
import { ReplayFencedError } from './replay-errors.ts';
import { replayDlq, type ReplayReport } from './replay.ts';
import type { ShownRecord } from './show.ts';

// The dlq commands end to end, against the real broker, registry and database: real DLQ records
// made by real consumers (the sink refusing signals and bars of another interval, the candles
// source refusing bars no market could trade), then `dlq list`, `dlq show` and `dlq replay` as
// the real CLI: the counts by reason, the headers and decoded payloads, and replays that put
// the records back byte for byte, once, where the fixed sink then takes them.

const conn = testConnections();
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const uid = (i: number) => i.toString(16).padStart(64, '0');
const signal = (i: number, extra: Partial<Signal> = {}): Signal => ({ ...SAMPLES.signals, signal_id: uid(i), ticker: ['AAPL', 'MSFT', 'NVDA'][i % 3]!, ...extra });
const bar = (i: number, interval: string): Candle => ({ ...SAMPLES.marketCandles, ticker: ['AAPL', 'MSFT', 'TSLA'][i % 3]!, ts: T0 + i * 86_400_000, interval });

let topics: TestTopics;
let db: { url: string; drop: () => Promise<void> };
let producer: Producer;
let started: string;
const t = { signals: '', signalsDlq: '', candles: '', candlesDlq: '' };

interface Read {
  partition: number;
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

async function readAll(topic: string): Promise<Read[]> {
  const out: Read[] = [];
  await readToEnd(topics.kafka, topic, (m: KafkaMessage, partition) => {
    out.push({ partition, offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value, headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)])) });
  });
  return out;
}

const endOffsets = async (topic: string) => (await topics.admin.fetchTopicOffsets(topic)).map((p) => p.high).join(',');

/** `ops-pipeline --topic-prefix <ours> <args>`, the real CLI; its stdout (and stderr). */
const cli = (...args: string[]) => runToEnd(['--topic-prefix', topics.prefix, ...args]);
const cliJson = async <T,>(...args: string[]): Promise<T> => JSON.parse((await cli(...args, '--json')).trim().split('\n').at(-1)!) as T;

/** A Yahoo recording of three daily XBAD bars, each one no market could trade. */
function untradeableRecording(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dlq-candles-'));
  const rec = JSON.parse(readFileSync(join(REPO_ROOT, 'samples', 'yahoo-chart', 'chart-AAPL-2020-08-31-to-2020-11-07.json'), 'utf8'));
  rec.request.url = rec.request.url.replace('/chart/AAPL', '/chart/XBAD');
  const result = rec.response.bodyJson.chart.result[0];
  result.meta.symbol = 'XBAD';
  result.timestamp = result.timestamp.slice(0, 3);
  const q = result.indicators.quote[0];
  for (const k of ['open', 'high', 'low', 'close', 'volume']) q[k] = q[k].slice(0, 3);
  result.indicators.adjclose[0].adjclose = result.indicators.adjclose[0].adjclose.slice(0, 3);
  delete result.events;
  q.volume[0] = -100;
  q.volume[1] = -7;
  q.open[2] = 0;
  q.low[2] = 0;
  writeFileSync(join(dir, 'chart-XBAD.json'), JSON.stringify(rec));
  return dir;
}

async function runSink(candleInterval: Interval) {
  const sink = await startPostgresSink({
    connections: { ...conn, database: { url: db.url } },
    config: SinkConfig.parse({ groupId: `${topics.prefix}sink`, topics: ['signals', 'marketCandles'], maxWaitTimeMs: 100, idleExitMs: 1500 }),
    prefix: topics.prefix,
    candleInterval,
    once: true,
  });
  return sink.done;
}

beforeAll(async () => {
  started = new Date().toISOString();
  topics = await testTopics('dlq');
  db = await freshDatabase({ migrate: true });
  t.signals = topicName('signals', topics.prefix);
  t.signalsDlq = dlqTopicName('signals', topics.prefix);
  t.candles = topicName('marketCandles', topics.prefix);
  t.candlesDlq = dlqTopicName('marketCandles', topics.prefix);
  const encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
  producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const good = (await encoder.message('signals', signal(1))).value as Buffer;
  await producer.send({
    topic: t.signals,
    acks: -1,
    messages: [
      await encoder.message('signals', signal(1)),
      { ...(await encoder.message('signals', signal(2, { action: 'HOLD' as never }))), headers: { 'trace-id': 'abc-1' } },
      await encoder.message('signals', signal(3, { action: 'HOLD' as never })),
      { key: 'AAPL', value: frame(0x7ffffff0, good.subarray(5)) },
      { key: 'MSFT', value: frame(0x7ffffff1, good.subarray(5)) },
      { key: 'TSLA', value: Buffer.from('{"not":"avro"} \u0000\u00ff') },
      await encoder.message('signals', signal(4)),
    ],
  });
  // This deployment was set up with 1m bars by mistake: the daily bars are refused.
  await producer.send({ topic: t.candles, acks: -1, messages: await encoder.messages('marketCandles', [bar(0, '1d'), bar(1, '1d'), bar(2, '1d')]) });
  const summary = await runSink('1m');
  expect(summary.dlq).toBe(8);
  const source = await startCandlesSource({
    connections: conn,
    config: CandlesConfig.parse({ watchlist: ['XBAD'], backfillDays: 3650, includeTickersFromNews: false }),
    interval: '1d',
    prefix: topics.prefix,
    once: true,
    fetch: recordedFetch(untradeableRecording()).fetch,
    now: () => Date.UTC(2025, 1, 3),
    sleep: async () => {},
  });
  expect((await source.done).outcomes).toEqual([expect.objectContaining({ ticker: 'XBAD', produced: 0, rejected: 3 })]);
});

afterAll(async () => {
  await producer?.disconnect();
  await db?.drop();
  await topics?.cleanup();
});

describe('dlq list', () => {
  it('counts each DLQ\'s records by reason, numbers masked, with when each was first and last seen', async () => {
    const report = await cliJson<DlqTopicSummary[]>('dlq', 'list');
    expect(report.map((d) => d.topic)).toEqual(dlqTopics(topics.prefix).map((d) => d.topic));
    const byTopic = new Map(report.map((d) => [d.topic, d]));
    const reasons = (topic: string) => byTopic.get(topic)!.reasons.map((g) => [g.records, g.reason]);
    expect(reasons(t.signalsDlq)).toEqual([
      [2, 'sink BadRecordError: dispatch_recommendations.action = "HOLD" is not one of BUY, SELL'],
      [2, 'sink BadRecordError: schema id N is not in the registry'],
      [1, 'sink BadRecordError: unknown magic byte N (not Confluent wire format)'],
    ]);
    expect(reasons(t.candlesDlq)).toEqual([
      [3, 'sink BadRecordError: lane_telemetry: a 1d bar, but this deployment\'s market.candles carries 1m bars (topics.candleInterval)'],
      [2, 'candles BadRecordError: volume = N is negative'],
      [1, expect.stringMatching(/^candles BadRecordError: (open|low) = N is not a positive price$/)],
    ]);
    expect(byTopic.get(t.signalsDlq)).toMatchObject({ records: 5, replayed: 0, source: t.signals });
    expect(byTopic.get(dlqTopicName('newsRaw', topics.prefix))).toMatchObject({ records: 0, reasons: [] });
    const now = new Date().toISOString();
    for (const g of [...byTopic.get(t.signalsDlq)!.reasons, ...byTopic.get(t.candlesDlq)!.reasons]) {
      expect(g.firstSeen >= started && g.firstSeen <= g.lastSeen && g.lastSeen <= now, `${g.reason}: ${g.firstSeen} .. ${g.lastSeen}`).toBe(true);
      expect(g.replayed).toBe(0);
    }
    expect(byTopic.get(t.signalsDlq)!.reasons[1]!.example).toMatch(/^schema id 214748363[23] is not in the registry$/);
  });

  it('prints the same as a table, for one DLQ named by its source topic', async () => {
    const out = await cli('dlq', 'list', '--topic', 'signals');
    expect(out).toContain(`${t.signalsDlq}  5 record(s)`);
    expect(out).toMatch(/\n +2 +0 +\S+ +\S+ +0:\d+\.\.\d+ +sink BadRecordError: schema id N is not in the registry\n/);
    expect(out).not.toContain(t.candlesDlq);
  });
});

describe('dlq show', () => {
  it('decodes an Avro record through the registry and shows its dlq.* and original headers', async () => {
    const dlq = await readAll(t.signalsDlq);
    const held = dlq.find((r) => r.headers['trace-id'] === 'abc-1')!;
    const shown = await cliJson<ShownRecord>('dlq', 'show', 'signals.dlq', `${held.partition}:${held.offset}`);
    expect(shown).toMatchObject({ topic: t.signalsDlq, offset: held.offset, key: 'NVDA', headers: { 'trace-id': 'abc-1' }, replayed: null });
    expect(shown.payload).toMatchObject({ kind: 'avro', schemaId: held.value!.readInt32BE(1), record: { signal_id: uid(2), action: 'HOLD', ticker: 'NVDA' } });
    expect(shown.dlq).toEqual({
      [DLQ_HEADERS.errorClass]: 'BadRecordError',
      [DLQ_HEADERS.errorMessage]: 'dispatch_recommendations.action = "HOLD" is not one of BUY, SELL',
      [DLQ_HEADERS.stage]: 'sink',
      [DLQ_HEADERS.topic]: t.signals,
      [DLQ_HEADERS.partition]: expect.stringMatching(/^\d$/),
      [DLQ_HEADERS.offset]: expect.stringMatching(/^\d+$/),
      [DLQ_HEADERS.timestamp]: String(SAMPLES.signals.ts),
    });
    const text = await cli('dlq', 'show', t.signalsDlq, '--offset', held.offset);
    expect(text).toContain('original headers:\n  trace-id: abc-1\n');
    expect(text).toMatch(/payload: Avro, schema id \d+, \d+ bytes\n\{\n {2}"signal_id"/);
  });

  it('shows a bar the candles source refused as JSON, and garbage as hex and UTF-8', async () => {
    const candles = await readAll(t.candlesDlq);
    const json = candles.find((r) => r.headers[DLQ_HEADERS.stage] === 'candles')!;
    const shownJson = await cliJson<ShownRecord>('dlq', 'show', t.candlesDlq, json.offset);
    expect(shownJson.payload).toMatchObject({ kind: 'json', value: { ticker: 'XBAD', interval: '1d' }, reason: expect.stringMatching(/magic byte/) });
    expect(shownJson.dlq[DLQ_HEADERS.partition]).toBe('-1');
    const garbage = (await readAll(t.signalsDlq)).find((r) => r.value?.[0] === 0x7b)!;
    const shownBytes = await cliJson<ShownRecord>('dlq', 'show', t.signalsDlq, garbage.offset);
    expect(shownBytes.payload).toEqual({ kind: 'bytes', size: garbage.value!.length, hex: garbage.value!.toString('hex'), utf8: '{"not":"avro"} \\x00\u00ff', reason: expect.stringMatching(/unknown magic byte 123/) });
  });

  it('says there is no record at an offset past the end, with exit code 2', async () => {
    const p = startComponent(['--topic-prefix', topics.prefix, 'dlq', 'show', t.signalsDlq, '0:999']);
    expect((await p.exited).code).toBe(2);
    expect(p.output()).toContain(`no DLQ record at ${t.signalsDlq} 0:999`);
  });
});

describe('dlq replay', () => {
  it('--dry-run prints what it would replay and sends nothing', async () => {
    const before = [await endOffsets(t.signals), await endOffsets(t.signalsDlq)];
    const out = await cli('dlq', 'replay', 'signals', '--all', '--dry-run');
    expect(out.match(/^would replay /gm)).toHaveLength(5);
    expect(out).toContain(`5 record(s) would be replayed (dry run) to ${t.signals}`);
    expect([await endOffsets(t.signals), await endOffsets(t.signalsDlq)]).toEqual(before);
  });

  it('sends the chosen records to their source partition byte for byte with their origin, and the fixed sink takes them', async () => {
    const refused = (await readAll(t.candlesDlq)).filter((r) => /carries 1m bars/.test(r.headers[DLQ_HEADERS.errorMessage]!));
    expect(refused).toHaveLength(3);
    const before = await readAll(t.candles);
    const out = await cli('dlq', 'replay', t.candlesDlq, '--reason', 'carries 1m bars');
    expect(out.match(/^replayed \S+ 0:\d+ -> /gm)).toHaveLength(3);
    const replayed = (await readAll(t.candles)).filter((r) => !before.some((b) => b.partition === r.partition && b.offset === r.offset));
    expect(replayed).toHaveLength(3);
    for (const r of refused) {
      const back = replayed.find((x) => x.headers['dlq.replayed.from'] === `${t.candlesDlq}:${r.partition}:${r.offset}`)!;
      expect(back, `${r.offset} replayed`).toBeDefined();
      expect({ key: back.key, value: back.value, partition: String(back.partition), timestamp: back.timestamp }).toEqual({ key: r.key, value: r.value, partition: r.headers[DLQ_HEADERS.partition], timestamp: r.headers[DLQ_HEADERS.timestamp] });
      expect(back.headers).toMatchObject({ 'dlq.replayed.error.message': r.headers[DLQ_HEADERS.errorMessage], 'dlq.replayed.stage': 'sink', 'dlq.replayed.source.offset': r.headers[DLQ_HEADERS.offset] });
      expect(Object.keys(back.headers).filter((k) => k.startsWith('dlq.') && !k.startsWith('dlq.replayed.'))).toEqual([]);
    }
    // The fix: this deployment's bars are daily. The sink goes on from its offsets and takes them.
    expect(await runSink('1d')).toMatchObject({ records: 3, dlq: 0 });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      // The only bars this test produced to market.candles are the three refused ones.
      const { rows } = await client.query('SELECT count(*)::int AS n FROM lane_telemetry');
      expect(rows[0].n).toBe(3);
    } finally {
      await client.end();
    }
  });

  it('sends nothing the second time: the records were replayed', async () => {
    const before = [await endOffsets(t.candles), await endOffsets(t.candlesDlq)];
    const out = await cli('dlq', 'replay', 'market.candles.dlq', '--reason', 'carries 1m bars');
    expect(out).not.toMatch(/^replayed \S+ 0:\d+ -> /m);
    expect(out.match(/^skipped /gm)).toHaveLength(3);
    expect(out).toContain('0 record(s) replayed');
    expect([await endOffsets(t.candles), await endOffsets(t.candlesDlq)]).toEqual(before);
    const listed = await cliJson<DlqTopicSummary[]>('dlq', 'list', '--topic', t.candlesDlq);
    expect(listed[0]!.reasons.find((g) => /carries 1m bars/.test(g.reason))).toMatchObject({ records: 3, replayed: 3 });
  });

  it('sends a record a source refused (partition -1) to the partition of its key', async () => {
    const json = (await readAll(t.candlesDlq)).find((r) => r.headers[DLQ_HEADERS.stage] === 'candles')!;
    const report = await cliJson<ReplayReport>('dlq', 'replay', t.candlesDlq, '--offset', `${json.partition}:${json.offset}`);
    expect(report.replayed).toHaveLength(1);
    const to = report.replayed[0]!.to!;
    const back = (await readAll(t.candles)).find((r) => r.partition === to.partition && r.offset === to.offset)!;
    expect({ key: back.key, value: back.value, from: back.headers['dlq.replayed.from'] }).toEqual({ key: json.key, value: json.value, from: `${t.candlesDlq}:${json.partition}:${json.offset}` });
    const partitionMetadata = Array.from({ length: 6 }, (_, i) => ({ partitionId: i, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
    expect(to.partition).toBe(Partitioners.DefaultPartitioner()({ topic: t.candles, partitionMetadata, message: { key: json.key, value: json.value } }));
  });

  it('a replay held between reading and sending while another replays everything is fenced and sends nothing', async () => {
    const dlq = dlqTopics(topics.prefix).find((d) => d.topic === t.signalsDlq)!;
    let held!: () => void;
    let release!: () => void;
    const reading = new Promise<void>((resolve) => (held = resolve));
    const stale = replayDlq(topics.kafka, { dlq, selection: { all: true }, beforeSending: () => (held(), new Promise<void>((resolve) => (release = resolve))) });
    await reading; // it has read the DLQ: no markers yet
    const other = await replayDlq(topics.kafka, { dlq, selection: { all: true } });
    expect(other.replayed).toHaveLength(5);
    release();
    await expect(stale).rejects.toBeInstanceOf(ReplayFencedError);
    const origins = (await readAll(t.signals)).map((r) => r.headers['dlq.replayed.from']).filter(Boolean);
    const refused = (await readAll(t.signalsDlq)).filter((r) => r.headers[DLQ_HEADERS.errorClass]);
    expect(origins.sort()).toEqual(refused.map((r) => `${t.signalsDlq}:${r.partition}:${r.offset}`).sort());
    expect((await readAll(t.signalsDlq)).filter((r) => r.headers['dlq.replay.of'])).toHaveLength(5);
    expect(await cliJson<DlqTopicSummary[]>('dlq', 'list', '--topic', 'signals')).toMatchObject([{ records: 5, replayed: 5 }]);
  });
});
