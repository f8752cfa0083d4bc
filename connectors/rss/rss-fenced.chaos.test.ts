import { mkdtempSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/avro-codec.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { recordName, topicName } from '../../schemas/catalog.ts';
import type { NewsRaw } from '../../schemas/records.ts';
import { startComponent, waitFor, writeConfig, type ComponentProcess } from '../../test/chaos/component-process.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { serveFeedFiles, type FeedFileServer } from './feed-file-server.ts';

// Two RSS sources started by mistake on one deployment (the same topic prefix, so the same
// transactional id). The second one's start fences the first: at its next transaction the first
// must stop with its own exit code and say why, instead of starting a producer again (which would
// fence the second back, and so on). The second goes on; every item is in news.raw exactly once.

const conn = testConnections();
const FENCED_EXIT_CODE = 6;
let server: FeedFileServer;
let t: TestTopics;
const running: ComponentProcess[] = [];

/** A feed that has one more item at each request, as a busy publisher's would. */
function growingFeed() {
  let requests = 0;
  return (_req: unknown, res: ServerResponse) => {
    requests++;
    const items = Array.from({ length: requests }, (_, i) => `<item><title>Live headline ${i}</title><link>https://news.example/live/${i}</link><guid>live-${i}</guid><pubDate>${new Date(Date.UTC(2026, 0, 1, 0, i)).toUTCString()}</pubDate></item>`);
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Live</title><link>https://news.example/live</link><description>grows</description>${items.reverse().join('')}</channel></rss>`);
  };
}

async function itemsOf(): Promise<string[]> {
  const codec = new AvroCodec(createRegistry(conn.registry));
  const uids: string[] = [];
  await readToEnd(t.kafka, topicName('newsRaw', t.prefix), async (m) => void uids.push((await codec.decode<NewsRaw>(m.value, recordName('newsRaw'))).title));
  return uids;
}

beforeAll(async () => {
  server = await serveFeedFiles(mkdtempSync(`${tmpdir()}/opsp-rss-fenced-`), { 'live.rss': growingFeed() });
  t = await testTopics('rss-fenced');
});
afterAll(async () => {
  for (const p of running) await p.kill('SIGKILL');
  await server?.close();
  await t?.cleanup();
});

describe('a second RSS source on the same deployment', () => {
  it('fences the first, which stops with its own exit code and says why; each item lands once', async () => {
    const args = ['--config', writeConfig({ topics: { prefix: t.prefix }, rss: { feeds: [server.url('live.rss')], pollIntervalSeconds: 1 } }), 'run', 'rss'];
    const first = startComponent(args);
    running.push(first);
    await waitFor('the first source to produce', async () => (await itemsOf()).length >= 2, [first], 60_000);

    const second = startComponent(args);
    running.push(second);
    const exit = await first.exited;
    expect(exit.code).toBe(FENCED_EXIT_CODE);
    expect(first.output()).toMatch(/another rss source started with transactional id \S+ and fenced this one; only one runs per topic prefix/);

    const before = (await itemsOf()).length;
    await waitFor('the second source to go on', async () => (await itemsOf()).length >= before + 2, [second], 60_000);
    expect((await second.kill('SIGTERM')).code).toBe(0);

    const titles = await itemsOf();
    const newest = Math.max(...titles.map((x) => Number(/(\d+)$/.exec(x)![1])));
    // Every item the feed listed up to the last poll, none twice.
    expect(titles.sort()).toEqual(Array.from({ length: newest + 1 }, (_, i) => `Live headline ${i}`).sort());
  });
});
