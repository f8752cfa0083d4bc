import { describe, expect, it } from 'vitest';
import { plannedTopics } from './apply.ts';
import { DLQ_RETENTION_MS, TOPIC_IDS, TOPICS, TopicsConfig, dlqTopicName, schemaPath, topicName, valueSchema, valueSubject, type TopicId } from './catalog.ts';

describe('topic names', () => {
  const names: Array<[TopicId, string, string]> = [
    ['newsRaw', '', 'news.raw'],
    ['feedsState', '', 'feeds.state'],
    ['newsClassified', 't1.', 't1.news.classified'],
    ['marketCandles', '', 'market.candles'],
    ['signals', 'bt-7.', 'bt-7.signals'],
  ];
  it.each(names)('names %s with prefix "%s" as %s, its DLQ and its subject', (id, prefix, expected) => {
    expect(topicName(id, prefix)).toBe(expected);
    expect(dlqTopicName(id, prefix)).toBe(`${expected}.dlq`);
    expect(valueSubject(topicName(id, prefix))).toBe(`${expected}-value`);
  });
});

describe('topics config', () => {
  const cases: Array<[unknown, string | null]> = [
    [{}, ''],
    [{ prefix: 'staging.' }, 'staging.'],
    [{ prefix: 'bt-2024_01.' }, 'bt-2024_01.'],
    [{ prefix: 'has space.' }, null],
    [{ prefix: 'slash/' }, null],
    [{ prefx: 'typo.' }, null],
  ];
  it.each(cases)('%j gives prefix %j', (input, expected) => {
    const parsed = TopicsConfig.safeParse(input);
    expect(parsed.success ? parsed.data.prefix : null).toBe(expected);
  });
});

describe('catalog', () => {
  it('keys each topic as DESIGN.md says and fills its table', () => {
    expect(Object.fromEntries(TOPIC_IDS.map((id) => [TOPICS[id].base, [TOPICS[id].keyField, TOPICS[id].table]]))).toEqual({
      'news.raw': ['event_uid', 'inbound_events_raw'],
      'feeds.state': ['feed_url', 'feed_state'],
      'news.classified': ['event_uid', 'inbound_events_classified'],
      'market.candles': ['ticker', 'lane_telemetry'],
      signals: ['ticker', 'dispatch_recommendations'],
    });
  });

  it.each(TOPIC_IDS)('%s: id, schema file and record agree', (id) => {
    expect(TOPICS[id].id).toBe(id);
    expect(schemaPath(id).endsWith(`/avro/${TOPICS[id].schemaFile}`)).toBe(true);
    expect(valueSchema(id).doc).toContain(`Key: ${TOPICS[id].keyField}`);
  });
});

describe('planned topics', () => {
  const plans = plannedTopics('p.');
  const byName = new Map(plans.map((p) => [p.topic, p]));

  it('plans every topic and one DLQ for each, all under the prefix', () => {
    expect(plans.map((p) => p.topic).sort()).toEqual(TOPIC_IDS.flatMap((id) => [topicName(id, 'p.'), dlqTopicName(id, 'p.')]).sort());
  });

  it('compacts feeds.state only; every other topic deletes and keeps its data forever', () => {
    for (const id of TOPIC_IDS) {
      const configs = byName.get(topicName(id, 'p.'))!.configs;
      if (id === 'feedsState') expect(configs).toEqual({ 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0', 'segment.ms': '3600000' });
      else expect(configs).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': '-1' });
    }
  });

  it('gives DLQs one partition and a month of retention', () => {
    for (const id of TOPIC_IDS) {
      expect(byName.get(dlqTopicName(id, 'p.'))).toMatchObject({ partitions: 1, configs: { 'cleanup.policy': 'delete', 'retention.ms': String(DLQ_RETENTION_MS) } });
    }
    expect(DLQ_RETENTION_MS).toBe(30 * 24 * 3600 * 1000);
  });

  it('sizes partitions for one node (1 to 6)', () => {
    for (const p of plans) expect(p.partitions).toBeGreaterThanOrEqual(1);
    for (const p of plans) expect(p.partitions).toBeLessThanOrEqual(6);
    expect(byName.get('p.feeds.state')!.partitions).toBe(1);
  });
});
