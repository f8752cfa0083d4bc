import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRegistry } from '../../core/registry.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import { SAMPLES } from '../../schemas/samples.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { RssConfig } from '../../connectors/rss/config.ts';
import { collectStatus } from './collect.ts';
import { renderStatusFeeds, statusFeeds } from './feeds.ts';

// `status` against the real broker: a group that has not consumed what is there is stalled,
// with its lag in records and in age; one that consumed everything is ok.

const conn = testConnections();
let topics: TestTopics;

beforeAll(async () => {
  topics = await testTopics('status');
  const encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
  const producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const raws = Array.from({ length: 5 }, (_, i) => ({ ...SAMPLES.newsRaw, event_uid: `s${i}-`.padEnd(64, '0') }));
  await producer.send({ topic: topicName('newsRaw', topics.prefix), acks: -1, messages: await encoder.messages('newsRaw', raws) });
  const feed = (feed_url: string, newestHoursAgo: number, moved_to: string | null = null) => ({ ...SAMPLES.feedsState, feed_url, moved_to, earliest_poll_at: null, newest_item_at: Date.now() - newestHoursAgo * 3_600_000 });
  await producer.send({ topic: topicName('feedsState', topics.prefix), acks: -1, messages: await encoder.messages('feedsState', [feed('https://quiet.example/rss', 100), feed('https://busy.example/rss', 1, 'https://busy.example/v2')]) });
  await producer.disconnect();
  // A group that has consumed everything on news.raw.
  await topics.admin.setOffsets({
    groupId: `${topics.prefix}done`,
    topic: topicName('newsRaw', topics.prefix),
    partitions: (await topics.admin.fetchTopicOffsets(topicName('newsRaw', topics.prefix))).map((p) => ({ partition: p.partition, offset: p.high })),
  });
});
afterAll(async () => {
  await topics?.cleanup();
});

it('reports lag, its age and a verdict per group, and topic sizes', async () => {
  const report = await collectStatus(
    topics.kafka,
    topics.admin,
    [
      { component: 'classify', groupId: `${topics.prefix}behind`, topics: ['newsRaw'] },
      { component: 'classify', groupId: `${topics.prefix}done`, topics: ['newsRaw'] },
    ],
    topics.prefix,
    500,
  );
  const [behind, done] = report.groups;
  expect(behind).toMatchObject({ lag: '5', verdict: 'stalled' });
  expect(behind!.maxLagSeconds).toBeGreaterThanOrEqual(0);
  expect(done).toMatchObject({ lag: '0', verdict: 'ok' });
  const raw = report.topics.find((t) => t.topic === topicName('newsRaw', topics.prefix))!;
  expect(raw).toMatchObject({ records: '5', dlqRecords: '0' });
  expect(raw.lastRecordAt).toMatch(/^\d{4}-/);
});

it('shows the stale and moved feeds from feeds.state (it cannot see the source), and the rest without the registry', async () => {
  const rss = RssConfig.parse({ feeds: ['https://quiet.example/rss', 'https://busy.example/rss', 'https://new.example/rss'] });
  const lines = renderStatusFeeds(await statusFeeds(topics.kafka, conn, topics.prefix, rss));
  expect(lines[0]).toBe('feeds: 3 configured, 1 stale (no new item for 48 h), 1 not polled yet');
  expect(lines.slice(1).map((l) => l.replace(/\(newest item .*\)/, '(newest item …)'))).toEqual(['  stale    https://quiet.example/rss (newest item …)', '  moved    https://busy.example/rss -> https://busy.example/v2']);
  const noRegistry = { ...conn, registry: { ...conn.registry, url: 'http://127.0.0.1:1/apis/ccompat/v7' } };
  expect(renderStatusFeeds(await statusFeeds(topics.kafka, noRegistry, topics.prefix, rss))).toEqual([expect.stringMatching(/^feeds: unavailable \(schema registry unreachable at http:\/\/127\.0\.0\.1:1/)]);
});
