import { describe, expect, it } from 'vitest';
import type { TopicPlan } from './apply.ts';
import { topicDifferences, type TopicState } from './topic-state.ts';

const plan: TopicPlan = { topic: 'feeds.state', partitions: 1, configs: { 'cleanup.policy': 'compact', 'segment.ms': '3600000' }, growth: { safe: false, why: 'compacted' } };

describe('topicDifferences', () => {
  const cases: Array<[string, Omit<TopicState, 'topic'>, string[]]> = [
    ['agrees', { partitions: 1, configs: { 'cleanup.policy': 'compact', 'segment.ms': '3600000' } }, []],
    ['more partitions', { partitions: 3, configs: { 'cleanup.policy': 'compact', 'segment.ms': '3600000' } }, ['partitions 3 (catalog: 1)']],
    ['not compacted', { partitions: 1, configs: { 'cleanup.policy': 'delete', 'segment.ms': '3600000' } }, ['cleanup.policy=delete (catalog: compact)']],
    ['a config the broker did not report', { partitions: 1, configs: { 'cleanup.policy': 'compact' } }, ['segment.ms=(unset) (catalog: 3600000)']],
    [
      'several at once, in plan order',
      { partitions: 2, configs: { 'cleanup.policy': 'compact,delete', 'segment.ms': '604800000' } },
      ['partitions 2 (catalog: 1)', 'cleanup.policy=compact,delete (catalog: compact)', 'segment.ms=604800000 (catalog: 3600000)'],
    ],
    ['configs the plan does not manage are ignored', { partitions: 1, configs: { 'cleanup.policy': 'compact', 'segment.ms': '3600000', 'max.message.bytes': '1' } }, []],
  ];
  it.each(cases)('%s', (_name, actual, expected) => {
    expect(topicDifferences(plan, { topic: plan.topic, ...actual })).toEqual(expected);
  });
});
