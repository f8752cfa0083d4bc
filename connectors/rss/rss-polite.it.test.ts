import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/avro-codec.ts';
import { metricsRegistry } from '../../core/metrics.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { REPO_ROOT } from '../../deploy/local/layout.ts';
import { recordName, topicName } from '../../schemas/catalog.ts';
import type { FeedState } from '../../schemas/records.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { RssConfig } from './config.ts';
import { serveFeedFiles, type FeedFileServer, type Route } from './feed-file-server.ts';
import { startRssSource } from './component.ts';

// Polite polling against a real HTTP server on loopback and the real topics: a Retry-After and a
// cache lifetime hold a feed off while the others are polled, and a restart still honours them;
// a permanent redirect moves the feed in feeds.state, a temporary one does not; a redirect chain
// past maxRedirects fails; requests to one host respect perHostConcurrency and the spacing.

const conn = testConnections();
const codec = new AvroCodec(createRegistry(conn.registry));
let topics: TestTopics;
let server: FeedFileServer;

const rss = (title: string, items: string[], channel = '') =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title>${channel}${items.map((t) => `<item><title>${t}</title><guid>${title}-${t}</guid></item>`).join('')}</channel></rss>`;
const feedRoute = (body: string, headers: Record<string, string> = {}): Route => (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml', ...headers }).end(body);
const redirect = (status: number, to: string): Route => (_req, res) => res.writeHead(status, { location: `/${to}` }).end();

/** Requests in flight at once per route group, and when each started. */
const load = { inFlight: 0, max: 0, starts: [] as number[] };
const slowRoute = (name: string): Route => (_req: IncomingMessage, res: ServerResponse) => {
  load.inFlight++;
  load.max = Math.max(load.max, load.inFlight);
  load.starts.push(performance.now());
  setTimeout(() => {
    load.inFlight--;
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(name, ['one']));
  }, 150);
};

const chain: Record<string, Route> = { 'r0.rss': feedRoute(rss('end of chain', ['a'])) };
for (let i = 1; i <= 6; i++) chain[`r${i}.rss`] = redirect(302, `r${i - 1}.rss`);

beforeAll(async () => {
  topics = await testTopics('rss-polite');
  server = await serveFeedFiles(join(REPO_ROOT, 'samples', 'rss'), {
    'limited.rss': (_req, res) => res.writeHead(429, { 'retry-after': '3600' }).end('slow down'),
    'limited-no-header.rss': (_req, res) => res.writeHead(429).end('slow down'),
    'limited-long.rss': (_req, res) => res.writeHead(503, { 'retry-after': '999999' }).end('down for maintenance'),
    'cached.rss': feedRoute(rss('cached', ['c']), { 'cache-control': 'max-age=3600' }),
    'fresh.rss': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss('fresh', [`at ${Date.now()}`])),
    'moved.rss': redirect(301, 'reddit.rss'),
    'temporary.rss': redirect(302, 'heise.atom'),
    'part-permanent.rss': redirect(308, 'part-temporary.rss'),
    'part-temporary.rss': redirect(307, 'content-encoded.rss'),
    ...chain,
    'host-a.rss': slowRoute('host-a'),
    'host-b.rss': slowRoute('host-b'),
    'host-c.rss': slowRoute('host-c'),
  });
});

afterAll(async () => {
  await server?.close();
  await topics?.cleanup();
});

function config(feeds: string[], more: Partial<RssConfig> = {}): RssConfig {
  return RssConfig.parse({ feeds: feeds.map((n) => server.url(n)), timeoutMs: 2000, perHostConcurrency: 8, hostSpacingSeconds: 0, ...more });
}

const written = new Map<string, number>();

/** The latest state per feed URL (the compacted topic's view); `written` counts the records per feed. */
async function states(): Promise<Map<string, FeedState>> {
  const out = new Map<string, FeedState>();
  written.clear();
  await readToEnd(topics.kafka, topicName('feedsState', topics.prefix), async (m) => {
    const s = await codec.decode<FeedState>(m.value, recordName('feedsState'));
    out.set(s.feed_url, s);
    written.set(s.feed_url, (written.get(s.feed_url) ?? 0) + 1);
  });
  return out;
}

const hits = (name: string) => server.hits.get(name) ?? 0;

async function metric(name: string, feed: string): Promise<number | undefined> {
  const values = (await metricsRegistry.getSingleMetric(name)?.get())?.values ?? [];
  return values.find((v) => v.labels.feed === feed)?.value;
}

describe('publishers that ask to wait', () => {
  it('does not poll a 429 with Retry-After 3600 again, nor a feed cached for an hour, while another feed is polled; a restart honours both', async () => {
    // guardian.rss has no TTL and is served without cache headers: polled every interval (304s).
    const names = ['limited.rss', 'limited-no-header.rss', 'cached.rss', 'guardian.rss'];
    // Short intervals and backoff: without Retry-After, a feed would be polled again many times in the window.
    const cfg = config(names, { pollIntervalSeconds: 0.2, backoffInitialSeconds: 0.1, backoffMaxSeconds: 0.2 });
    const started = Date.now();
    const source = await startRssSource({ connections: conn, config: cfg, prefix: topics.prefix });
    const deadline = Date.now() + 30_000;
    while (hits('guardian.rss') < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await source.stop();
    expect({ limited: hits('limited.rss'), cached: hits('cached.rss') }).toEqual({ limited: 1, cached: 1 });
    expect(hits('guardian.rss')).toBeGreaterThanOrEqual(5);
    expect(hits('limited-no-header.rss')).toBeGreaterThanOrEqual(2);

    const s = await states();
    const limitedUntil = s.get(server.url('limited.rss'))!.earliest_poll_at!;
    expect(limitedUntil - started).toBeGreaterThanOrEqual(3600_000 - 1000);
    expect(limitedUntil - Date.now()).toBeLessThanOrEqual(3600_000);
    expect(s.get(server.url('cached.rss'))!.earliest_poll_at! - started).toBeGreaterThanOrEqual(3600_000 - 1000);
    expect(s.get(server.url('guardian.rss'))!.earliest_poll_at).toBeNull();
    // Its 304s changed nothing, so only its first poll wrote a state.
    expect(written.get(server.url('guardian.rss'))).toBe(1);

    // A new process, --once: the publishers' wishes came back from feeds.state.
    const again = await startRssSource({ connections: conn, config: cfg, prefix: topics.prefix, once: true });
    const outcomes = Object.fromEntries((await again.done).outcomes.map((o) => [o.feed, o]));
    expect(outcomes[server.url('limited.rss')]).toMatchObject({ result: 'skipped', notBefore: limitedUntil });
    expect(outcomes[server.url('cached.rss')]!.result).toBe('skipped');
    expect(outcomes[server.url('guardian.rss')]!.result).toBe('not-modified');
    expect({ limited: hits('limited.rss'), cached: hits('cached.rss') }).toEqual({ limited: 1, cached: 1 });
  });

  it('caps a Retry-After at maxRetryAfterSeconds (a 503 asking for 11 days)', async () => {
    const cfg = config(['limited-long.rss'], { maxRetryAfterSeconds: 1 });
    const first = await startRssSource({ connections: conn, config: cfg, prefix: topics.prefix, once: true });
    expect((await first.done).outcomes[0]!.error).toMatchObject({ kind: 'http', status: 503, retryAfterMs: 999_999_000 });
    const until = (await states()).get(server.url('limited-long.rss'))!.earliest_poll_at!;
    expect(until - Date.now()).toBeLessThanOrEqual(1000);
    await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now()) + 50));
    const second = await startRssSource({ connections: conn, config: cfg, prefix: topics.prefix, once: true });
    expect((await second.done).outcomes[0]!.result).toBe('error');
    expect(hits('limited-long.rss')).toBe(2);
  });
});

describe('redirects', () => {
  it('moves a feed on a 301 (feeds.state moved_to, the next poll goes there), not on a 302, and only as far as the redirects were permanent', async () => {
    const names = ['moved.rss', 'temporary.rss', 'part-permanent.rss'];
    const first = await startRssSource({ connections: conn, config: config(names), prefix: topics.prefix, once: true });
    const outcomes = Object.fromEntries((await first.done).outcomes.map((o) => [o.feed, o]));
    expect(outcomes[server.url('moved.rss')]).toMatchObject({ result: 'items', produced: 24, movedTo: server.url('reddit.rss') });
    expect(outcomes[server.url('temporary.rss')]).toMatchObject({ result: 'items', produced: 15 });
    expect(outcomes[server.url('temporary.rss')]!.movedTo).toBeUndefined();

    const s = await states();
    expect(s.get(server.url('moved.rss'))!.moved_to).toBe(server.url('reddit.rss'));
    expect(s.get(server.url('temporary.rss'))!.moved_to).toBeNull();
    // 308 then 307: it moved to the 307's URL, which still redirects for now.
    expect(s.get(server.url('part-permanent.rss'))!.moved_to).toBe(server.url('part-temporary.rss'));

    const before = { moved: hits('moved.rss'), reddit: hits('reddit.rss'), temporary: hits('temporary.rss'), partPermanent: hits('part-permanent.rss'), partTemporary: hits('part-temporary.rss') };
    const second = await startRssSource({ connections: conn, config: config(names), prefix: topics.prefix, once: true });
    const next = Object.fromEntries((await second.done).outcomes.map((o) => [o.feed, o]));
    // Conditional GET at the new URL, with the ETag it answered: 304.
    expect(next[server.url('moved.rss')]).toMatchObject({ result: 'not-modified', movedTo: server.url('reddit.rss') });
    expect({ moved: hits('moved.rss'), reddit: hits('reddit.rss'), temporary: hits('temporary.rss'), partPermanent: hits('part-permanent.rss'), partTemporary: hits('part-temporary.rss') }).toEqual({
      ...before,
      reddit: before.reddit + 1,
      temporary: before.temporary + 1,
      partTemporary: before.partTemporary + 1,
    });
    // The items are still the configured feed's (news.raw source), and the move was counted (and logged) once.
    expect(await metric('ops_pipeline_rss_feed_moves_total', server.url('moved.rss'))).toBe(1);
  });

  it('fails a chain of 6 redirects with too-many-redirects (maxRedirects 5), and follows a chain of 5', async () => {
    const source = await startRssSource({ connections: conn, config: config(['r6.rss', 'r5.rss'], { maxRedirects: 5 }), prefix: topics.prefix, once: true });
    const outcomes = Object.fromEntries((await source.done).outcomes.map((o) => [o.feed, o]));
    expect(outcomes[server.url('r6.rss')]!.result).toBe('error');
    expect(outcomes[server.url('r6.rss')]!.error).toMatchObject({ name: 'FeedError', kind: 'too-many-redirects', message: expect.stringMatching(/more than 5 redirects/) });
    expect(outcomes[server.url('r5.rss')]).toMatchObject({ result: 'items', produced: 1 });
  });
});

describe('per-host limits', () => {
  const feeds = ['host-a.rss', 'host-b.rss', 'host-c.rss'];
  const reset = () => Object.assign(load, { inFlight: 0, max: 0, starts: [] });

  it('never fetches two feeds of one host at once with perHostConcurrency 1, and spaces the requests', async () => {
    reset();
    const source = await startRssSource({ connections: conn, config: config(feeds, { concurrency: 4, perHostConcurrency: 1, hostSpacingSeconds: 0.3 }), prefix: topics.prefix, once: true });
    expect((await source.done).outcomes.map((o) => o.result)).toEqual(['items', 'items', 'items']);
    expect(load.max).toBe(1);
    const gaps = load.starts.slice(1).map((t, i) => t - load.starts[i]!);
    expect(gaps.every((g) => g >= 290), JSON.stringify(gaps)).toBe(true);
  });

  it('fetches them at once when the host allows (the measurement sees concurrency)', async () => {
    reset();
    const source = await startRssSource({ connections: conn, config: config(feeds, { concurrency: 4, perHostConcurrency: 3, hostSpacingSeconds: 0 }), prefix: topics.prefix, once: true });
    await source.done;
    expect(load.max).toBeGreaterThanOrEqual(2);
  });
});

describe('staleness', () => {
  it('sets ops_pipeline_rss_feed_stale to 1 for a feed whose newest item is years old, 0 for one with a new item', async () => {
    const source = await startRssSource({ connections: conn, config: config(['narro.rss', 'fresh.rss']), prefix: topics.prefix, once: true });
    await source.done;
    expect(await metric('ops_pipeline_rss_feed_stale', server.url('narro.rss'))).toBe(1);
    expect(await metric('ops_pipeline_rss_feed_stale', server.url('fresh.rss'))).toBe(0);
    const s = await states();
    expect(Date.now() - s.get(server.url('fresh.rss'))!.newest_item_at!).toBeLessThan(60_000);
    expect(s.get(server.url('narro.rss'))!.newest_item_at).toBe(Date.UTC(2015, 1, 20, 9, 51, 15));
  });
});
