import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_FEED_DIRS } from '../../cli/load-sample.ts';
import { AvroCodec } from '../../core/avro-codec.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { recordName, topicName } from '../../schemas/catalog.ts';
import type { NewsRaw } from '../../schemas/records.ts';
import { killAtEach, killPoints, runToEnd, seeded, writeConfig } from '../../test/chaos/component-process.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { serveFeedFiles, type FeedFileServer } from './feed-file-server.ts';

// kill -9 of the RSS source (a real child process, `run rss --once`) three times at seeded
// counts of items written to news.raw (committed or not: a kill then lands inside a poll's
// transaction), then a run to the end. news.raw (read_committed) must hold each event_uid
// exactly as often as after a clean run: none missing, none twice. The feeds are the bundled
// samples and seeded generated ones, served on loopback as a publisher would (ETag, 304).

const conn = testConnections();
const FEEDS = 40;
const feedDir = mkdtempSync(join(tmpdir(), 'opsp-rss-kill-'));
let server: FeedFileServer;
let clean: TestTopics;
let chaos: TestTopics;

function writeGeneratedFeeds(): void {
  const r = seeded(83);
  for (let f = 0; f < FEEDS; f++) {
    const items = Array.from({ length: 10 + Math.floor(r() * 30) }, (_, i) => {
      const at = new Date(Date.UTC(2024, 2, 1) + Math.floor(r() * 30 * 86_400_000)).toUTCString();
      return `<item><title>Feed ${f} headline ${i}: shares move ${Math.floor(r() * 100)}%</title><link>https://news.example/${f}/${i}</link><guid>chaos-${f}-${i}</guid><pubDate>${at}</pubDate></item>`;
    });
    writeFileSync(join(feedDir, `chaos-${f}.rss`), `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Chaos ${f}</title><link>https://news.example/${f}</link><description>generated</description>${items.join('')}</channel></rss>`);
  }
}

function argsFor(t: TestTopics): string[] {
  // One loopback server stands for many publishers: no per-host limits.
  const rss = { feeds: server.names.map((n) => server.url(n)), concurrency: 2, perHostConcurrency: 2, hostSpacingSeconds: 0, timeoutMs: 10_000, transactionalId: `${t.prefix}rss` };
  return ['--config', writeConfig({ topics: { prefix: t.prefix }, rss }), 'run', 'rss', '--once'];
}

/** event_uid → how many times news.raw (read_committed) holds it, with its title. */
async function itemsOf(t: TestTopics): Promise<Map<string, string>> {
  const codec = new AvroCodec(createRegistry(conn.registry));
  const copies = new Map<string, number>();
  const titles = new Map<string, string>();
  await readToEnd(t.kafka, topicName('newsRaw', t.prefix), async (m) => {
    const item = await codec.decode<NewsRaw>(m.value, recordName('newsRaw'));
    copies.set(item.event_uid, (copies.get(item.event_uid) ?? 0) + 1);
    titles.set(item.event_uid, item.title);
  });
  return new Map([...copies].map(([uid, n]) => [uid, `${n}× ${titles.get(uid)}`]));
}

/** Records written to news.raw, including those of a transaction not committed (yet). */
async function written(t: TestTopics): Promise<number> {
  return (await t.admin.fetchTopicOffsets(topicName('newsRaw', t.prefix))).reduce((n, p) => n + Number(p.high), 0);
}

beforeAll(async () => {
  writeGeneratedFeeds();
  server = await serveFeedFiles([...SAMPLE_FEED_DIRS, feedDir]);
  clean = await testTopics('rss-clean');
  chaos = await testTopics('rss-kill');
});
afterAll(async () => {
  await server?.close();
  await clean?.cleanup();
  await chaos?.cleanup();
});

describe('RSS source under kill -9', () => {
  it('produces each item exactly once, as a clean run does, after repeated kills mid-poll', async () => {
    await runToEnd(argsFor(clean));
    const expected = await itemsOf(clean);
    expect(expected.size).toBeGreaterThan(FEEDS * 10);
    expect([...expected.values()].every((v) => v.startsWith('1× '))).toBe(true);

    const args = argsFor(chaos);
    // Transaction markers count in the high watermark too: the clean run's is the scale.
    const total = await written(clean);
    const kills = await killAtEach(args, () => written(chaos), killPoints(29, 3, total));
    expect(kills.every((k) => k < total), JSON.stringify({ kills, total })).toBe(true);
    await runToEnd(args);

    const actual = await itemsOf(chaos);
    expect([...actual.values()].filter((v) => !v.startsWith('1× ')), 'items not exactly once').toEqual([]);
    expect(actual).toEqual(expected);
  });
});
