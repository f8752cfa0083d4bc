import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { Kafka, Message, Producer } from 'kafkajs';
import { expect } from 'vitest';
import { sendChunked } from '../core/chunked-send.ts';
import { DLQ_HEADERS } from '../core/dlq.ts';
import { readToEnd } from '../core/topic-reader.ts';
import { SAMPLES } from '../schemas/samples.ts';
import type { TopicId } from '../schemas/catalog.ts';
import type { Candle } from '../schemas/records.ts';
import type { RecordEncoder } from '../schemas/record-encoder.ts';
import { startComponent, waitFor, writeConfig } from './chaos/component-process.ts';

// Helpers of the bad-record chaos tests: the poison every consumer must survive, the real
// CLI run as a child process (its stderr log lines and its Prometheus metrics), and the
// DLQ read back with its headers.

export interface Poison {
  /** What is wrong with it: the test's name for the case. */
  name: string;
  message: Message;
  /** What `dlq.error.message` must say. */
  reason: RegExp;
}

/** A Confluent frame: magic byte, schema id, body. */
export function frame(schemaId: number, body: Buffer): Buffer {
  const out = Buffer.alloc(5 + body.length);
  out.writeInt32BE(schemaId, 1);
  body.copy(out, 5);
  return out;
}

/**
 * The undecodable records for a topic: garbage bytes, an empty value, a tombstone, an unknown
 * schema id, a valid id of another subject's schema, truncated Avro, and a length that lies.
 */
export async function undecodable(encoder: RecordEncoder, id: TopicId, other: TopicId, key: string): Promise<Poison[]> {
  const good = (await encoder.message(id, SAMPLES[id])).value as Buffer;
  const schemaId = good.readInt32BE(1);
  return [
    { name: 'garbage bytes', message: { key, value: Buffer.from('{"not":"avro"} \u0000\u00ff') }, reason: /magic byte/ },
    { name: 'empty value', message: { key, value: Buffer.alloc(0) }, reason: /too short for the Confluent wire format/ },
    { name: 'tombstone (null value)', message: { key, value: null }, reason: /too short for the Confluent wire format/ },
    { name: 'unknown schema id', message: { key, value: frame(0x7ffffff0, good.subarray(5)) }, reason: /schema id 2147483632 is not in the registry/ },
    { name: "another subject's schema", message: { key, value: (await encoder.message(other, SAMPLES[other])).value }, reason: /another subject's schema/ },
    { name: 'truncated Avro', message: { key, value: good.subarray(0, good.length - 4) }, reason: /does not match schema/ },
    // A string field whose length claims far more bytes than follow.
    { name: 'lying length', message: { key, value: frame(schemaId, Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x0f, 0x41])) }, reason: /does not match schema/ },
  ];
}

/**
 * Bars no market could have traded, or of another interval than the deployment's (1m here),
 * made from a good bar: what the sink, signals and the executor must refuse from any producer.
 */
export async function untradeableBars(encoder: RecordEncoder, bar: Candle): Promise<Poison[]> {
  const cases: Array<[string, Partial<Candle>, RegExp]> = [
    ['a zero price', { open: 0, low: 0 }, /open = 0 is not a positive price/],
    ['a negative close', { close: -1, low: -1 }, /low = -1 is not a positive price/],
    ['high below low', { high: bar.low - 1, open: bar.low - 0.5, close: bar.low - 0.5 }, /high .* is below low/],
    ['an open above the high', { open: bar.high + 5 }, /open .* is outside the bar's range/],
    ['a close below the low', { close: bar.low - 5 }, /close .* is outside the bar's range/],
    ['negative volume', { volume: -10 }, /volume = -10 is negative/],
    ['another interval', { interval: '1d' }, /a 1d bar, but this deployment's market.candles carries 1m bars/],
  ];
  return Promise.all(cases.map(async ([name, change, reason]) => ({ name, message: await encoder.message('marketCandles', { ...bar, ...change }), reason })));
}

/** Good records with bad ones between them, all sent, in that order. */
export async function produceInterleaved(producer: Producer, topic: string, good: Message[], bad: Message[]): Promise<void> {
  const messages: Message[] = [];
  for (let i = 0; i < Math.max(good.length, bad.length); i++) {
    if (good[i]) messages.push(good[i]!);
    if (bad[i]) messages.push(bad[i]!);
  }
  await sendChunked(producer, topic, messages);
}

export interface DlqRecord {
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Every record of a DLQ topic with its headers as strings. */
export async function readDlq(kafka: Kafka, dlqTopic: string): Promise<DlqRecord[]> {
  const out: DlqRecord[] = [];
  await readToEnd(kafka, dlqTopic, (m) => {
    out.push({ value: m.value, headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)])) });
  });
  return out;
}

const hex = (v: Buffer | string | null | undefined) => (v === null || v === undefined ? null : Buffer.from(v).toString('hex'));

/**
 * The DLQ holds exactly the poison, each value unchanged, with the reason, the stage and its
 * origin (topic, partition, offset) in headers.
 */
export function expectDlq(dlq: DlqRecord[], poison: Poison[], o: { topic: string; stage: string; errorClass?: RegExp }): void {
  expect(dlq.map((r) => hex(r.value)).sort()).toEqual(poison.map((p) => hex(p.message.value)).sort());
  for (const p of poison) {
    // Every copy: a value sent twice is in the DLQ twice, each with its own origin.
    for (const { headers: h } of dlq.filter((d) => hex(d.value) === hex(p.message.value))) {
      expect({ case: p.name, errorClass: h[DLQ_HEADERS.errorClass], stage: h[DLQ_HEADERS.stage], topic: h[DLQ_HEADERS.topic], partition: h[DLQ_HEADERS.partition], offset: h[DLQ_HEADERS.offset], reason: h[DLQ_HEADERS.errorMessage] }).toEqual({
        case: p.name,
        errorClass: expect.stringMatching(o.errorClass ?? /^BadRecordError$/),
        stage: o.stage,
        topic: o.topic,
        partition: expect.stringMatching(/^\d+$/),
        offset: expect.stringMatching(/^\d+$/),
        reason: expect.stringMatching(p.reason),
      });
    }
  }
  expect(new Set(dlq.map((d) => `${d.headers[DLQ_HEADERS.partition]}@${d.headers[DLQ_HEADERS.offset]}`)).size, 'one DLQ record per source offset').toBe(dlq.length);
}

/**
 * Each DLQ record (checked against its poison by expectDlq) has its own `record sent to … .dlq`
 * log line: the same source topic, partition and offset, and the same reason.
 */
export function expectLogged(cli: RunningCli, dlq: DlqRecord[]): void {
  const logged = cli.logs().filter((l) => String(l.msg).startsWith('record sent to'));
  const origin = (topic: unknown, partition: unknown, offset: unknown) => `${String(topic)}/${String(partition)}@${String(offset)}`;
  const byOrigin = new Map<string, Array<Record<string, unknown>>>();
  for (const l of logged) byOrigin.set(origin(l.topic, l.partition, l.offset), [...(byOrigin.get(origin(l.topic, l.partition, l.offset)) ?? []), l]);
  for (const { headers: h } of dlq) {
    const at = origin(h[DLQ_HEADERS.topic], h[DLQ_HEADERS.partition], h[DLQ_HEADERS.offset]);
    const lines = byOrigin.get(at) ?? [];
    expect({ at, lines: lines.length, reason: String(lines[0]?.reason ?? '').slice(0, 4000) }).toEqual({ at, lines: 1, reason: h[DLQ_HEADERS.errorMessage] });
  }
}

/** A TCP port nothing listens on now (for a child's METRICS_PORT, a server of the test's own). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RunningCli {
  /** Every JSON log line the process wrote so far. */
  logs(): Array<Record<string, unknown>>;
  /** The sum of a metric's samples whose labels include `labels`; NaN while it serves none. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** Polls until `check` holds; fails at once, with the process output, if the process exits. */
  waitFor(what: string, check: () => Promise<boolean>): Promise<void>;
  process: ChildProcess;
  /** Its METRICS_PORT. */
  port: number;
}

/** Runs `ops-pipeline <args>` (the real CLI) with a YAML config and METRICS_PORT, until stopped. */
export async function runCli(args: string[], config: Record<string, unknown>, env: Record<string, string> = {}): Promise<RunningCli> {
  const port = await freePort();
  const p = startComponent(['--config', writeConfig(config), ...args], { ...env, METRICS_PORT: String(port) });
  return {
    process: p.child,
    port,
    logs: () =>
      p
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    async metric(name, labels = {}) {
      let text: string;
      try {
        text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
      } catch {
        return NaN; // not serving yet
      }
      let sum = 0;
      for (const line of text.split('\n')) {
        const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
        if (m?.[1] === name && Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`))) sum += Number(m[3]);
      }
      return sum;
    },
    stop: async () => (await p.kill('SIGTERM')).code,
    waitFor: (what, check) => waitFor(what, check, [p]),
  };
}
