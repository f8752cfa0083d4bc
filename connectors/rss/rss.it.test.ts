import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/avro-codec.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { topicName } from '../../schemas/catalog.ts';
import type { FeedState, NewsRaw } from '../../schemas/records.ts';
import { REPO_ROOT } from '../../deploy/local/layout.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { RssConfig } from './config.ts';
import { serveFeedFiles, type FeedFileServer } from './feed-file-server.ts';
import { waitFor } from '../../test/chaos/component-process.ts';
import { startRssSource } from './component.ts';

// The RSS source against real feeds (the rss-parser test corpus) served on loopback with
// ETag / Last-Modified / 304, beside broken publishers, writing to the real topics.

const conn = testConnections();
let topics: TestTopics;
let server: FeedFileServer;
const codec = new AvroCodec(createRegistry(conn.registry));

// Items per fixture feed, counted by hand from the files (items with a title).
const EXPECTED: Record<string, number> = {
  'content-encoded.rss': 7,
  'craigslist.rss': 25,
  'encoding.rss': 40,
  'feedburner.atom': 25,
  'guardian.rss': 55,
  'heise.atom': 15,
  'narro.rss': 1,
  'reddit.rss': 24,
  'rss-1.rss': 69,
  'missing-fields.atom': 0,
  'incomplete-fields.atom': 0,
};
const BROKEN: Record<string, string> = {
  'slow.rss': 'timeout',
  'error.rss': 'http',
  'malformed.rss': 'malformed',
  'huge.rss': 'too-large',
  'laughs.rss': 'xml-entities',
  'unrecognized.rss': 'not-a-feed',
  'gone.rss': 'network',
};

async function readAll<T>(topic: string): Promise<T[]> {
  const out: T[] = [];
  await readToEnd(topics.kafka, topic, async (m) => void out.push(await codec.decode<T>(m.value)));
  return out;
}

beforeAll(async () => {
  topics = await testTopics('rss');
  server = await serveFeedFiles(join(REPO_ROOT, 'samples', 'rss'), {
    'slow.rss': (_req, res) => setTimeout(() => res.writeHead(200).end('<rss/>'), 3000).unref(),
    'error.rss': (_req, res) => res.writeHead(500).end('boom'),
    'malformed.rss': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<rss><channel><item><title>cut off'),
    'huge.rss': (_req, res) => {
      // A body that never ends: the cap must cut it off.
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const timer = setInterval(() => (res.writableEnded ? clearInterval(timer) : res.write(chunk)), 1);
      res.on('close', () => clearInterval(timer));
    },
    'laughs.rss': (_req, res) =>
      res.writeHead(200).end(`<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><rss><channel><item><title>&c;</title></item></channel></rss>`),
    'gone.rss': (req) => req.socket.destroy(),
    'clock.rss': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end('<rss version="2.0"><channel><title>clock</title><item><title>Dated 2020-09-08</title><link>https://clock.example/a</link><pubDate>Tue, 08 Sep 2020 12:00:00 GMT</pubDate></item></channel></rss>'),
    // Dated three hours after now (a publisher's wrong zone): plausible, but ahead of the fetch.
    'ahead.rss': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end(`<rss version="2.0"><channel><title>ahead</title><item><title>Dated ahead</title><link>https://ahead.example/a</link><pubDate>${new Date(Date.now() + 3 * 3_600_000).toUTCString()}</pubDate></item></channel></rss>`),
    'no-validators.rss': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(readFileSync(join(REPO_ROOT, 'samples', 'rss', 'reddit.rss'))),
  });
});

afterAll(async () => {
  await server?.close();
  await topics?.cleanup();
});

// One loopback server stands for many publishers: its per-host limits would only slow the tests.
function config(feeds: string[]) {
  return RssConfig.parse({ feeds, timeoutMs: 1000, maxBodyBytes: 512 * 1024, concurrency: 4, perHostConcurrency: 4, hostSpacingSeconds: 0 });
}

describe('rss source', () => {
  const feedNames = () => [...Object.keys(EXPECTED), ...Object.keys(BROKEN)];

  it('produces every item of the good feeds, and counts and backs off the broken ones', async () => {
    const source = await startRssSource({ connections: conn, config: config(feedNames().map((n) => server.url(n))), prefix: topics.prefix, once: true });
    const summary = await source.done;
    const byFeed = Object.fromEntries(summary.outcomes.map((o) => [decodeURIComponent(o.feed.split('/').pop()!), o]));
    for (const [name, n] of Object.entries(EXPECTED)) expect({ name, result: byFeed[name]!.result, produced: byFeed[name]!.produced }).toEqual({ name, result: 'items', produced: n });
    for (const [name, kind] of Object.entries(BROKEN)) expect({ name, kind: byFeed[name]!.error?.kind }).toEqual({ name, kind });

    const raw = await readAll<NewsRaw>(topicName('newsRaw', topics.prefix));
    const total = Object.values(EXPECTED).reduce((a, b) => a + b, 0);
    expect(raw).toHaveLength(total);
    expect(new Set(raw.map((r) => r.event_uid)).size).toBe(total);
    // ISO-8859-1 decoded: accents present, no replacement characters, no UTF-8 mojibake.
    const portuguese = raw.filter((r) => r.source?.endsWith('encoding.rss')).map((r) => r.title);
    expect(portuguese.some((t) => /[ãçéíõú]/.test(t))).toBe(true);
    expect(portuguese.filter((t) => /\uFFFD|Ã/.test(t))).toEqual([]);
    expect(raw.every((r) => r.published_at === null || r.published_at > Date.UTC(2000, 0, 1))).toBe(true);

    const states = await readAll<FeedState>(topicName('feedsState', topics.prefix));
    const guardian = states.find((s) => s.feed_url.endsWith('guardian.rss'))!;
    expect(guardian.etag).toMatch(/^"[0-9a-f]{40}"$/);
    expect(guardian.last_modified).toMatch(/GMT$/);
    expect(guardian.seen_event_uids).toHaveLength(55);
  });

  it('produces nothing on the next pass (304), nor after a restart with a fresh process state', async () => {
    const good = Object.keys(EXPECTED).map((n) => server.url(n));
    const before = (await readAll<NewsRaw>(topicName('newsRaw', topics.prefix))).length;
    const hits304 = server.hits.get('guardian.rss');
    // A new source instance: it knows the feeds only through the feeds.state topic.
    const again = await startRssSource({ connections: conn, config: config(good), prefix: topics.prefix, once: true });
    const summary = await again.done;
    expect(summary.produced).toBe(0);
    // Skipped: the feeds whose own TTL asks to wait (narro <ttl>20, craigslist syn:updatePeriod hourly / 6).
    const results = Object.fromEntries(summary.outcomes.map((o) => [decodeURIComponent(o.feed.split('/').pop()!), o.result]));
    expect(results).toEqual(Object.fromEntries(Object.keys(EXPECTED).map((n) => [n, n === 'narro.rss' || n === 'craigslist.rss' ? 'skipped' : 'not-modified'])));
    expect(server.hits.get('guardian.rss')).toBe(hits304! + 1);
    expect((await readAll<NewsRaw>(topicName('newsRaw', topics.prefix))).length).toBe(before);
  });

  it('judges item dates by its own clock, not the wall clock', async () => {
    // Served as if fetched on 2020-09-01: an item dated a week later is implausible then.
    const fetchedAt = Date.UTC(2020, 8, 1);
    const source = await startRssSource({ connections: conn, config: config([server.url('clock.rss')]), prefix: topics.prefix, once: true, now: () => fetchedAt });
    expect((await source.done).outcomes.map((o) => o.produced)).toEqual([1]);
    // Read committed, an item shows once its transaction's markers are written, just after the commit.
    let item: NewsRaw | undefined;
    await waitFor('the item committed', async () => !!(item = (await readAll<NewsRaw>(topicName('newsRaw', topics.prefix))).find((r) => r.source?.endsWith('clock.rss'))), [], 10_000);
    expect({ published_at: item!.published_at, fetched_at: item!.fetched_at }).toEqual({ published_at: null, fetched_at: fetchedAt });
  });

  it('produces an item dated ahead of its fetch with the fetch as its event time (the broker refuses a timestamp an hour ahead)', async () => {
    const before = Date.now();
    const source = await startRssSource({ connections: conn, config: config([server.url('ahead.rss')]), prefix: topics.prefix, once: true });
    expect((await source.done).outcomes.map((o) => [o.result, o.produced])).toEqual([['items', 1]]);
    let at: Array<{ item: NewsRaw; timestamp: number }> = [];
    await waitFor('the item committed', async () => {
      at = [];
      await readToEnd(topics.kafka, topicName('newsRaw', topics.prefix), async (m) => {
        const item = await codec.decode<NewsRaw>(m.value);
        if (item.source?.endsWith('ahead.rss')) at.push({ item, timestamp: Number(m.timestamp) });
      });
      return at.length > 0;
    }, [], 10_000);
    expect(at).toHaveLength(1);
    const { item, timestamp } = at[0]!;
    expect(item.published_at).toBeGreaterThan(before + 2 * 3_600_000);
    expect(timestamp).toBe(item.fetched_at);
  });

  it('does not produce an already-seen item again, across restarts, when the publisher ignores conditional GETs', async () => {
    const url = server.url('no-validators.rss');
    const first = await startRssSource({ connections: conn, config: config([url]), prefix: topics.prefix, once: true });
    expect((await first.done).produced).toBe(24);
    // A new instance: it only knows what it saw through the feeds.state topic.
    const second = await startRssSource({ connections: conn, config: config([url]), prefix: topics.prefix, once: true });
    const s = await second.done;
    expect(s.outcomes[0]!.result).toBe('items');
    expect(s.produced).toBe(0);
  });
});
