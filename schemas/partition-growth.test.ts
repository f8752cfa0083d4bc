import { describe, expect, it } from 'vitest';
import { plannedTopics } from './apply.ts';
import { partitionAdvice } from './partition-growth.ts';

const plan = (topic: string) => plannedTopics('', { newsRaw: 6, marketCandles: 12, signals: 12 }).find((p) => p.topic === topic)!;

describe('partitionAdvice', () => {
  it.each([
    ['news.raw grows with --add-partitions', 'news.raw', 3, true, true, /event_uid is written once/],
    ['news.raw without the flag: says how', 'news.raw', 3, false, false, /^can grow: .*run topics apply --add-partitions$/],
    ['market.candles never grows: its keys carry state', 'market.candles', 6, true, false, /^not grown: keyed by ticker .*\(a new --topic-prefix\)$/],
    ['signals never grows', 'signals', 6, true, false, /^not grown: keyed by ticker/],
    ['feeds.state never grows: compacted per feed', 'feeds.state', 1, true, false, /compacted per feed_url/],
    ['fewer planned than there are: Kafka cannot shrink', 'news.raw', 9, true, false, /^Kafka cannot remove partitions: keep 9 \(set topics.partitions to 9\)/],
  ] as const)('%s', (_what, topic, from, flag, grow, advice) => {
    const got = partitionAdvice(plan(topic), from, flag);
    expect(got.grow).toBe(grow);
    expect(got.advice).toMatch(advice);
  });
});
