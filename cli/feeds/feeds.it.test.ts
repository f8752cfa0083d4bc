import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RssConfig } from '../../connectors/rss/config.ts';
import { AvroCodec } from '../../core/avro-codec.ts';
import { createRegistry } from '../../core/registry.ts';
import { REPO_ROOT } from '../../deploy/local/layout.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { FeedState } from '../../schemas/records.ts';
import { SAMPLES } from '../../schemas/samples.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { listFeeds, type FeedList } from './list.ts';

// `feeds list` and `feeds import` against the real broker and registry: states written to
// feeds.state as the RSS source writes them, read back per configured feed; an OPML list
// imported into a config file by the real CLI, then listed by it.

const conn = testConnections();
const H = 3_600_000;
const NOW = Date.now();
const dir = mkdtempSync(join(tmpdir(), 'opsp-feeds-'));
let topics: TestTopics;

const state = (feed_url: string, s: Partial<FeedState>): FeedState => ({ ...SAMPLES.feedsState, feed_url, moved_to: null, earliest_poll_at: null, updated_at: NOW - H, ...s });
const STATES = [
  state('https://stale.example/rss', { newest_item_at: NOW - 72 * H }),
  state('https://fresh.example/rss', { newest_item_at: NOW - H, moved_to: 'https://fresh.example/v2/rss', earliest_poll_at: NOW + 2 * H }),
  state('https://gone.example/rss', { newest_item_at: NOW - H }),
];

async function cli(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [join(REPO_ROOT, 'bin', 'ops-pipeline.js'), '--topic-prefix', topics.prefix, ...args], { cwd: REPO_ROOT });
}

beforeAll(async () => {
  topics = await testTopics('feeds');
  const encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
  const producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  // An older state of the stale feed first: the latest per feed is what counts.
  await producer.send({ topic: topicName('feedsState', topics.prefix), acks: -1, messages: await encoder.messages('feedsState', [state('https://stale.example/rss', { newest_item_at: NOW }), ...STATES]) });
  await producer.disconnect();
});
afterAll(async () => {
  await topics?.cleanup();
});

describe('feeds list', () => {
  it('shows each configured feed with its state, stale ones flagged, and counts the feeds no longer configured', async () => {
    const config = RssConfig.parse({ feeds: ['https://stale.example/rss', 'https://fresh.example/rss', 'https://new.example/rss'] });
    const list = (await listFeeds(topics.kafka, new AvroCodec(createRegistry(conn.registry)), topics.prefix, config, NOW))!;
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(list.feeds).toEqual([
      { feed: 'https://stale.example/rss', known: true, updatedAt: iso(NOW - H), etag: '"abc"', lastModified: SAMPLES.feedsState.last_modified, newestItemAt: iso(NOW - 72 * H), stale: true, movedTo: null, notBefore: null },
      { feed: 'https://fresh.example/rss', known: true, updatedAt: iso(NOW - H), etag: '"abc"', lastModified: SAMPLES.feedsState.last_modified, newestItemAt: iso(NOW - H), stale: false, movedTo: 'https://fresh.example/v2/rss', notBefore: iso(NOW + 2 * H) },
      { feed: 'https://new.example/rss', known: false, updatedAt: null, etag: null, lastModified: null, newestItemAt: null, stale: false, movedTo: null, notBefore: null },
    ]);
    expect(list.unconfigured).toEqual(['https://gone.example/rss']);
  });

  it('is null when feeds.state does not exist under the prefix', async () => {
    expect(await listFeeds(topics.kafka, new AvroCodec(createRegistry(conn.registry)), `${topics.prefix}none.`, RssConfig.parse({}))).toBeNull();
  });
});

describe('the feeds commands', () => {
  it('imports an OPML list into a config file, and lists its feeds with their state', async () => {
    const config = join(dir, 'config.yml');
    writeFileSync(config, 'rss:\n  pollIntervalSeconds: 120 # slower\n  feeds:\n    - https://stale.example/rss\n');
    const opml = join(dir, 'list.opml');
    writeFileSync(opml, '<opml version="2.0"><body><outline text="News"><outline text="Fresh" xmlUrl="https://fresh.example/rss"/><outline text="Stale" xmlUrl="https://stale.example/rss"/></outline></body></opml>');

    const imported = await cli('--config', config, 'feeds', 'import', opml, '--out', config);
    expect(imported.stderr).toMatch(/2 feeds, 1 new, 1 already in rss\.feeds/);

    const { stdout } = await cli('--config', config, 'feeds', 'list', '--json');
    const list = JSON.parse(stdout) as FeedList;
    expect(list.feeds.map((r) => [r.feed, r.stale, r.movedTo])).toEqual([
      ['https://stale.example/rss', true, null],
      ['https://fresh.example/rss', false, 'https://fresh.example/v2/rss'],
    ]);
  });

  it('refuses a prefix without feeds.state with exit code 2 and the command to run', async () => {
    const failed = await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'bin', 'ops-pipeline.js'), '--topic-prefix', `${topics.prefix}none.`, 'feeds', 'list'], { cwd: REPO_ROOT }).catch((err: { code: number; stderr: string }) => err);
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringMatching(/feeds\.state does not exist: run npx ops-pipeline topics apply/) });
  });
});
