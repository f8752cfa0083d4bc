import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { TOPIC_IDS, TOPICS, dlqTopicName, topicName, valueSchema, valueSubject, type AvroField } from './catalog.ts';
import { plannedTopics } from './apply.ts';

function isTimestamp(type: unknown): boolean {
  const t = Array.isArray(type) ? type.find((x) => x !== 'null') : type;
  return typeof t === 'object' && t !== null && (t as { logicalType?: string }).logicalType === 'timestamp-millis';
}

describe.each(TOPIC_IDS)('schema of %s', (id) => {
  const schema = valueSchema(id);

  it('parses as Avro', () => {
    expect(() => avro.Type.forSchema(schema as never)).not.toThrow();
  });

  it('documents the record and every field', () => {
    expect(schema.doc).toBeTruthy();
    const undocumented = schema.fields.filter((f) => !f.doc || f.doc.length < 10).map((f) => f.name);
    expect(undocumented).toEqual([]);
  });

  it('carries its key field, non-null', () => {
    const key = schema.fields.find((f) => f.name === TOPICS[id].keyField);
    expect(key?.type).toBe('string');
  });

  it('types every time field as timestamp-millis', () => {
    const timeFields = schema.fields.filter((f: AvroField) => /(_at|_published|^ts|_time)$/.test(f.name));
    expect(timeFields.length).toBeGreaterThan(0);
    for (const f of timeFields) expect({ field: f.name, ok: isTimestamp(f.type) }).toEqual({ field: f.name, ok: true });
  });

  it('gives every nullable field a null default, so later readers stay BACKWARD-compatible', () => {
    for (const f of schema.fields) {
      if (Array.isArray(f.type) && f.type[0] === 'null') expect({ field: f.name, default: f.default }).toEqual({ field: f.name, default: null });
    }
  });
});

describe('catalog', () => {
  const names: Array<[Parameters<typeof topicName>[0], string, string]> = [
    ['newsRaw', '', 'news.raw'],
    ['feedsState', '', 'feeds.state'],
    ['newsClassified', 't1.', 't1.news.classified'],
    ['marketCandles', '', 'market.candles'],
    ['signals', 'bt-7.', 'bt-7.signals'],
  ];
  it.each(names)('names %s with prefix "%s" as %s', (id, prefix, expected) => {
    expect(topicName(id, prefix)).toBe(expected);
    expect(dlqTopicName(id, prefix)).toBe(`${expected}.dlq`);
    expect(valueSubject(topicName(id, prefix))).toBe(`${expected}-value`);
  });

  it('compacts feeds.state only, and plans a DLQ for every topic', () => {
    const plans = plannedTopics('');
    expect(plans.filter((p) => p.configs['cleanup.policy'] === 'compact').map((p) => p.topic)).toEqual(['feeds.state']);
    expect(plans.map((p) => p.topic).filter((t) => t.endsWith('.dlq'))).toHaveLength(TOPIC_IDS.length);
  });

  it('maps each topic to the table of DESIGN.md', () => {
    expect(Object.fromEntries(TOPIC_IDS.map((id) => [TOPICS[id].base, TOPICS[id].table]))).toEqual({
      'news.raw': 'inbound_events_raw',
      'feeds.state': 'feed_state',
      'news.classified': 'inbound_events_classified',
      'market.candles': 'lane_telemetry',
      signals: 'dispatch_recommendations',
    });
  });
});
