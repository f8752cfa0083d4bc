import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/avro-codec.ts';
import { metricsRegistry } from '../../core/metrics.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { REPO_ROOT } from '../../deploy/local/layout.ts';
import { recordName, topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { NewsRaw } from '../../schemas/records.ts';
import { SAMPLES } from '../../schemas/samples.ts';
import { startComponent, writeConfig } from '../../test/chaos/component-process.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { RssConfig } from './config.ts';
import { serveFeedFiles, type FeedFileServer } from './feed-file-server.ts';
import { startRssSource } from './component.ts';
import type { RssSummary } from './rss-source.ts';

// Hostile and broken feeds beside a good one, served by a real HTTP server on loopback,
// through the real RSS source into the real topics. Each bad feed is a clear per-feed error
// (outcome, `ops_pipeline_rss_feed_errors_total{kind}`, a log line) or yields records with a
// documented fallback; the good feed's items all arrive. rss.it.test.ts covers the slow, 500,
// malformed, never-ending, billion-laughs, reset and Latin-1 feeds; this file the rest.

const conn = testConnections();
const codec = new AvroCodec(createRegistry(conn.registry));
const CAP = 256 * 1024;
// A file only an external entity could read: its marker must never reach Kafka.
const secretDir = mkdtempSync(join(tmpdir(), 'opsp-xxe-'));
const marker = `xxe-secret-${randomBytes(8).toString('hex')}`;
const secretFile = join(secretDir, 'secret.txt');
writeFileSync(secretFile, marker);

const rss = (items: string, prolog = '<?xml version="1.0" encoding="UTF-8"?>') =>
  `${prolog}<rss version="2.0"><channel><title>t</title><link>https://x.example/</link><description>d</description>${items}</channel></rss>`;
const item = (title: string, extra = '') => `<item><title>${title}</title><guid>${title}</guid>${extra}</item>`;

// Odd dates: the title names the case; `expected` is published_at (null: left null, with a warning).
const DATES: Array<[string, string | null, number | null]> = [
  ['no date', null, null],
  ['unparsable', 'yesterday around noon', null],
  ['far future', 'Fri, 01 Jan 2999 00:00:00 GMT', null],
  ['before 1970', 'Wed, 31 Dec 1969 23:59:59 GMT', null],
  ['the epoch', '1970-01-01T00:00:00Z', null],
  ['no timezone', '2024-01-02T14:30:00', null],
  ['impossible day', '2024-02-30T10:00:00Z', null],
  ['RFC 822 numeric zone', 'Tue, 02 Jan 2024 15:30:00 +0100', Date.UTC(2024, 0, 2, 14, 30)],
  ['RFC 822 named zone', 'Tue, 02 Jan 2024 09:30:00 EST', Date.UTC(2024, 0, 2, 14, 30)],
  ['RFC 822 two-digit year no seconds', 'Tue, 02 Jan 24 14:30 GMT', Date.UTC(2024, 0, 2, 14, 30)],
  ['ISO 8601 Z', '2024-01-02T14:30:00Z', Date.UTC(2024, 0, 2, 14, 30)],
  ['ISO 8601 offset', '2024-01-02T16:30:00.250+02:00', Date.UTC(2024, 0, 2, 14, 30, 0, 250)],
];
const UNREADABLE = DATES.filter(([, text, at]) => text !== null && at === null).length;

const guardian = readFileSync(join(REPO_ROOT, 'samples', 'rss', 'guardian.rss'));
const BAD: Record<string, { kind: string; body: Buffer | string; headers?: Record<string, string | number> }> = {
  'xxe-file.rss': { kind: 'xml-entities', body: `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://${secretFile}">]>${rss(item('&xxe;'))}` },
  'xxe-hostname.rss': { kind: 'xml-entities', body: `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY h SYSTEM "file:///etc/hostname">]>${rss(item('host &h;'))}` },
  'xxe-parameter.rss': { kind: 'xml-entities', body: `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "file://${secretFile}"> %p;]>${rss(item('param'))}` },
  'truncated.rss': { kind: 'malformed', body: guardian.subarray(0, Math.floor(guardian.length * 0.6)) },
  'oversized.rss': { kind: 'too-large', body: rss(item('big', `<description>${'x'.repeat(CAP)}</description>`)) },
  'empty.rss': { kind: 'not-a-feed', body: '' },
  'html.rss': { kind: 'not-a-feed', body: '<!doctype html><html><body><h1>Moved</h1></body></html>' },
};
// Served, and read with a documented fallback rather than refused.
const FALLBACK: Record<string, { body: Buffer | string; headers?: Record<string, string | number>; titles: string[] }> = {
  // Labelled UTF-8, bytes in windows-1252: read as windows-1252, not with U+FFFD.
  'mislabelled-latin1.rss': { body: iconv.encode(rss(item('Ações sobem 5 € — recorde')), 'windows-1252'), headers: { 'content-type': 'application/rss+xml; charset=utf-8' }, titles: ['Ações sobem 5 € — recorde'] },
  // A UTF-16 prolog on single-byte text: read as UTF-8 (WHATWG).
  'utf16-prolog.rss': { body: rss(item('Zürich gains'), '<?xml version="1.0" encoding="UTF-16"?>'), titles: ['Zürich gains'] },
  // An external DTD (no internal subset) is not fetched: the item arrives, the file is not read.
  'external-dtd.rss': { body: `<?xml version="1.0"?><!DOCTYPE rss SYSTEM "file://${secretFile}">${rss(item('dtd item'))}`, titles: ['dtd item'] },
  'dates.rss': { body: rss(DATES.map(([title, text]) => item(title, text ? `<pubDate>${text}</pubDate>` : '')).join('')), titles: DATES.map(([t]) => t) },
};

let topics: TestTopics;
let server: FeedFileServer;
let summary: RssSummary;
let raw: Array<{ message: KafkaMessage; record: NewsRaw }>;

async function metricValues(name: string): Promise<Array<{ labels: Record<string, string | number>; value: number }>> {
  const metric = metricsRegistry.getSingleMetric(name);
  return metric ? ((await metric.get()).values as Array<{ labels: Record<string, string | number>; value: number }>) : [];
}

const routes = Object.fromEntries(
  [...Object.entries(BAD), ...Object.entries(FALLBACK)].map(([name, f]) => [
    name,
    (_req: unknown, res: import('node:http').ServerResponse) => {
      const body = Buffer.from(f.body);
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': body.length, ...f.headers }).end(body);
    },
  ]),
);
const feedNames = ['guardian.rss', ...Object.keys(BAD), ...Object.keys(FALLBACK)];

beforeAll(async () => {
  topics = await testTopics('rss-bad');
  server = await serveFeedFiles(join(REPO_ROOT, 'samples', 'rss'), routes);
  const source = await startRssSource({
    connections: conn,
    // One loopback server stands for many publishers: no per-host limits.
    config: RssConfig.parse({ feeds: feedNames.map((n) => server.url(n)), timeoutMs: 10_000, maxBodyBytes: CAP, concurrency: 4, perHostConcurrency: 4, hostSpacingSeconds: 0 }),
    prefix: topics.prefix,
    once: true,
  });
  summary = await source.done;
  raw = [];
  await readToEnd(topics.kafka, topicName('newsRaw', topics.prefix), async (message) => void raw.push({ message, record: await codec.decode<NewsRaw>(message.value, recordName('newsRaw')) }));
});

afterAll(async () => {
  await server?.close();
  await topics?.cleanup();
});

const outcome = (name: string) => summary.outcomes.find((o) => o.feed === server.url(name))!;
const fromFeed = (name: string) => raw.filter((r) => r.record.source === server.url(name)).map((r) => r.record);

describe('bad feeds', () => {
  it('refuses each hostile or broken feed with its kind, counted per feed, and produces nothing from it', async () => {
    expect(Object.fromEntries(Object.keys(BAD).map((n) => [n, outcome(n).error?.kind]))).toEqual(Object.fromEntries(Object.entries(BAD).map(([n, f]) => [n, f.kind])));
    for (const name of Object.keys(BAD)) expect({ name, items: fromFeed(name).length }).toEqual({ name, items: 0 });
    const errors = await metricValues('ops_pipeline_rss_feed_errors_total');
    for (const [name, f] of Object.entries(BAD)) {
      expect({ name, count: errors.find((v) => v.labels.feed === server.url(name) && v.labels.kind === f.kind)?.value }).toEqual({ name, count: 1 });
    }
  });

  it('never lets an external entity read a local file', () => {
    const everything = JSON.stringify(raw.map((r) => r.record));
    expect(everything).not.toContain(marker);
    expect(raw.some((r) => r.record.title.startsWith('host '))).toBe(false);
  });

  it('still produces every item of the good feed beside them', () => {
    expect(outcome('guardian.rss').result).toBe('items');
    expect(fromFeed('guardian.rss')).toHaveLength(55);
  });

  it('reads mislabelled encodings and an external DTD with the documented fallback', () => {
    for (const [name, f] of Object.entries(FALLBACK)) {
      expect({ name, result: outcome(name).result, titles: fromFeed(name).map((r) => r.title).sort() }).toEqual({ name, result: 'items', titles: [...f.titles].sort() });
    }
  });

  it('normalises dates with a zone to UTC; no, unreadable or implausible dates are null, warned, and the fetch time is the event time', async () => {
    const byTitle = new Map(raw.map((r) => [r.record.title, r]));
    for (const [title, , expected] of DATES) expect({ title, published_at: byTitle.get(title)!.record.published_at }).toEqual({ title, published_at: expected });
    for (const [title, , expected] of DATES) {
      const { message, record } = byTitle.get(title)!;
      expect({ title, timestamp: message.timestamp }).toEqual({ title, timestamp: String(expected ?? record.fetched_at) });
    }
    const undated = await metricValues('ops_pipeline_rss_unreadable_dates_total');
    expect(undated.find((v) => v.labels.feed === server.url('dates.rss'))?.value).toBe(UNREADABLE);
  });

  it('starts over bad records in feeds.state (skipped, the sink DLQs them) and keeps the good states', async () => {
    const producer = topics.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: topicName('feedsState', topics.prefix),
      acks: -1,
      messages: [
        { key: 'garbage', value: Buffer.from('not avro') },
        { key: 'wrong', value: (await new RecordEncoder(createRegistry(conn.registry), topics.prefix).message('marketCandles', SAMPLES.marketCandles)).value },
      ],
    });
    await producer.disconnect();
    const again = await startRssSource({ connections: conn, config: RssConfig.parse({ feeds: [server.url('guardian.rss')], timeoutMs: 10_000 }), prefix: topics.prefix, once: true });
    const s = await again.done;
    // Its ETag came back from feeds.state: a conditional GET, answered 304.
    expect(s.outcomes.map((o) => o.result)).toEqual(['not-modified']);
  });

  it('logs one warning per bad feed naming its kind (the real CLI), and exits 0 because the others went on', async () => {
    // A fresh prefix of feeds.state is not needed: bad feeds never store state, so they are fetched again.
    const bad = Object.keys(BAD).map((n) => server.url(n));
    const config = writeConfig({ rss: { maxBodyBytes: CAP, timeoutMs: 10_000, perHostConcurrency: 4, hostSpacingSeconds: 0 } });
    const run = startComponent(['--config', config, '--topic-prefix', topics.prefix, 'run', 'rss', '--once', '--feed', ...bad, server.url('dates.rss')]);
    expect((await run.exited).code).toBe(0);
    const warnings = run
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; feed?: string; kind?: string })
      .filter((l) => l.msg === 'feed failed; backing off');
    expect(Object.fromEntries(warnings.map((w) => [w.feed, w.kind]))).toEqual(Object.fromEntries(Object.entries(BAD).map(([n, f]) => [server.url(n), f.kind])));
  });
});
