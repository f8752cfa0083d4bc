import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../core/registry.ts';
import { dlqTopicName, topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import { SAMPLES } from '../../schemas/samples.ts';
import { runCli, type RunningCli } from '../../test/bad-records.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';

// `ops-pipeline lag-exporter` as a real process against the real broker: a group behind by
// records an hour old is exported with its lag in records and seconds and as stalled, a group
// that consumed everything as ok; committing moves it to ok; the DLQ's size is exported; with
// the broker away it keeps running and says so.

const conn = testConnections();
const HOUR_AGO = Date.now() - 3600_000;
let topics: TestTopics;
let exporter: RunningCli;
// The sink on news.raw only: each offset set by hand is a consumer joining the group (seconds).
// The group ids as configured; the exporter puts the topic prefix in front, as the components do.
const groups = (_prefix: string) => ({ classify: { groupId: 'classify' }, signals: { groupId: 'signals' }, sink: { groupId: 'sink', topics: ['newsRaw'] } });

async function commitAll(groupId: string, topic: string): Promise<void> {
  const partitions = (await topics.admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high }));
  await topics.admin.setOffsets({ groupId, topic, partitions });
}

beforeAll(async () => {
  topics = await testTopics('lag-exporter');
  const encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
  const producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const raws = Array.from({ length: 5 }, (_, i) => ({ ...SAMPLES.newsRaw, event_uid: `le${i}-`.padEnd(64, '0') }));
  const messages = (await encoder.messages('newsRaw', raws)).map((m) => ({ ...m, timestamp: String(HOUR_AGO) }));
  await producer.send({ topic: topicName('newsRaw', topics.prefix), acks: -1, messages });
  await producer.send({ topic: dlqTopicName('newsRaw', topics.prefix), acks: -1, messages: [{ value: 'poison 1' }, { value: 'poison 2' }] });
  await producer.disconnect();
  // The sink has consumed everything there is; classify nothing.
  await commitAll(`${topics.prefix}sink`, topicName('newsRaw', topics.prefix));
  exporter = await runCli(['--topic-prefix', topics.prefix, 'lag-exporter', '--interval', '1'], groups(topics.prefix));
  await exporter.waitFor('the first report', async () => (await exporter.metric('ops_pipeline_consumer_group_verdict')) === 4);
});
afterAll(async () => {
  await exporter?.stop();
  await topics?.cleanup();
});

describe('lag exporter', () => {
  const classify = () => ({ group: `${topics.prefix}classify` });
  const sink = () => ({ group: `${topics.prefix}sink` });

  it("exports a group's lag in records and seconds, its committed offsets and its verdict", async () => {
    expect(await exporter.metric('ops_pipeline_consumer_group_lag_records', { ...classify(), topic: topicName('newsRaw', topics.prefix) })).toBe(5);
    expect(await exporter.metric('ops_pipeline_consumer_group_sum_lag_records', classify())).toBe(5);
    const age = await exporter.metric('ops_pipeline_consumer_group_max_lag_seconds', classify());
    expect(age).toBeGreaterThanOrEqual(3600);
    expect(age).toBeLessThan(3600 + 120);
    // No commit yet: -1 on each of news.raw's 3 partitions.
    expect(await exporter.metric('ops_pipeline_consumer_group_committed_offset', classify())).toBe(-3);
    expect(await exporter.metric('ops_pipeline_consumer_group_verdict', { ...classify(), verdict: 'stalled' })).toBe(1);
    expect(await exporter.metric('ops_pipeline_consumer_group_verdict', { ...classify(), verdict: 'ok' })).toBe(0);
    expect(await exporter.metric('ops_pipeline_consumer_group_sum_lag_records', sink())).toBe(0);
    expect(await exporter.metric('ops_pipeline_consumer_group_verdict', { ...sink(), verdict: 'ok' })).toBe(1);
  });

  it('exports topic and DLQ sizes', async () => {
    expect(await exporter.metric('ops_pipeline_topic_records', { topic: topicName('newsRaw', topics.prefix) })).toBe(5);
    expect(await exporter.metric('ops_pipeline_topic_dlq_records', { topic: topicName('newsRaw', topics.prefix) })).toBe(2);
    expect(await exporter.metric('ops_pipeline_topic_last_record_timestamp_seconds', { topic: topicName('newsRaw', topics.prefix) })).toBeCloseTo(HOUR_AGO / 1000, 0);
  });

  it('a group that commits its lag away is ok, with no lag left', async () => {
    await commitAll(`${topics.prefix}classify`, topicName('newsRaw', topics.prefix));
    await exporter.waitFor('classify ok', async () => (await exporter.metric('ops_pipeline_consumer_group_verdict', { ...classify(), verdict: 'ok' })) === 1);
    expect(await exporter.metric('ops_pipeline_consumer_group_sum_lag_records', classify())).toBe(0);
    expect(await exporter.metric('ops_pipeline_consumer_group_max_lag_seconds', classify())).toBe(0);
    expect(await exporter.metric('ops_pipeline_consumer_group_committed_offset', classify())).toBe(5);
  });

  it('a group whose commits move while its lag grows is lagging', async () => {
    const topic = topicName('marketCandles', topics.prefix);
    const groupId = `${topics.prefix}signals`;
    // A member of the group that commits by hand, less than is produced, interval after interval.
    const consumer = topics.kafka.consumer({ groupId });
    const producer = topics.kafka.producer();
    await Promise.all([consumer.connect(), producer.connect()]);
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ autoCommit: false, eachMessage: async () => {} });
      let committed = 0;
      let lagging = false;
      for (let i = 0; i < 40 && !lagging; i++) {
        await producer.send({ topic, acks: -1, messages: Array.from({ length: 6 }, (_, j) => ({ partition: 0, value: `bar ${i}.${j}` })) });
        committed += 2;
        await consumer.commitOffsets([{ topic, partition: 0, offset: String(committed) }]);
        await sleep(400);
        lagging = (await exporter.metric('ops_pipeline_consumer_group_verdict', { group: groupId, verdict: 'lagging' })) === 1;
      }
      expect(lagging).toBe(true);
    } finally {
      await Promise.all([consumer.disconnect(), producer.disconnect()]);
    }
  });

  it('keeps running while the broker is away, and reports it unreachable', async () => {
    const away = await runCli(['--brokers', '127.0.0.1:1', '--topic-prefix', topics.prefix, 'lag-exporter', '--interval', '1'], groups(topics.prefix));
    try {
      await away.waitFor('two failed polls', async () => (await away.metric('ops_pipeline_lag_exporter_polls_total', { outcome: 'failed' })) >= 2);
      expect(await away.metric('ops_pipeline_service_unreachable', { component: 'lag-exporter', service: 'kafka' })).toBe(1);
      expect(await away.metric('ops_pipeline_consumer_group_verdict')).toBe(0);
      expect(away.process.exitCode).toBeNull();
    } finally {
      expect(await away.stop()).toBe(0);
    }
  });
});
