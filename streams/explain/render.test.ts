import { describe, expect, it } from 'vitest';
import { SignalRules } from '../signals/config.ts';
import type { Explanation } from './explain.ts';
import { age, renderExplanation, shown, signed } from './render.ts';

describe('formatting', () => {
  it.each([
    [0.24923, 4, '+0.2492'],
    [-0.1, 4, '-0.1000'],
    [0, 4, '+0.0000'],
    [1.234, 2, '+1.23'],
  ])('signed(%s, %s) is %s', (x, digits, text) => expect(signed(x, digits)).toBe(text));

  it.each([
    [0.4, '0 min'],
    [42, '42 min'],
    [60, '1 h'],
    [185, '3 h 5 min'],
    [24 * 60, '1 d'],
    [49 * 60 + 10, '2 d 1 h'],
  ])('age(%s) is %s', (minutes, text) => expect(age(minutes)).toBe(text));

  it.each([
    [undefined, '(none)'],
    [null, 'null'],
    [0.8, '0.8'],
    [{ a: 1 }, '{"a":1}'],
  ])('shown(%s) is %s', (v, text) => expect(shown(v)).toBe(text));
});

const UID = 'a'.repeat(64);
const at = { topic: 'news.classified', partition: 1, offset: '4' };
const explanation: Explanation = {
  signal: {
    signal_id: 'c'.repeat(64),
    ticker: 'AAPL',
    action: 'BUY',
    confidence: 0.53,
    ts: '2024-01-02T15:00:00.000Z',
    status: 'PENDING',
    at: { topic: 'signals', partition: 3, offset: '12' },
    reason: {
      rule: 'sentiment_momentum',
      action: 'BUY',
      sentiment: 0.9,
      threshold: 0.8,
      half_life_minutes: 30,
      news: [{ event_uid: UID, label: 'positive', score: 0.9, event_time: '2024-01-02T15:00:00.000Z' }],
      bar: { ts: '2024-01-02T14:55:00.000Z', close: 101, volume: 1000 },
      lookback_bars: 1,
      price_move_pct: 1,
      volume_ratio: 1,
    },
    updates: [],
  },
  rules: { recorded: { threshold: 0.8, half_life_minutes: 30 }, config: SignalRules.parse({ buyThreshold: 0.9, halfLifeMinutes: 30 }) },
  news: [
    {
      event_uid: UID,
      label: 'positive',
      score: 0.9,
      event_time: '2024-01-02T15:00:00.000Z',
      age_minutes: 0,
      weight: 1,
      contribution: 0.9,
      classified: { ...at, title: 'Apple beats estimates', source: 'https://example.org/feed.xml', link: null, published_at: '2024-01-02T15:00:00.000Z', fetched_at: '2024-01-02T15:01:00.000Z', model_version: 'm@1', label: 'positive', score: 0.9, event_type: 'earnings', urgency: 'breaking', classified_at: '2024-01-02T15:02:00.000Z', records: 1 },
      raw: null,
    },
  ],
  copies: [],
  bars: {
    topic: 'market.candles',
    interval: '5m',
    signal: { topic: 'market.candles', partition: 3, offset: '9', ts: '2024-01-02T14:55:00.000Z', open: 100, high: 102, low: 99, close: 101, volume: 1000 },
    lookback: [{ topic: 'market.candles', partition: 3, offset: '8', ts: '2024-01-02T14:50:00.000Z', open: 100, high: 100, low: 100, close: 100, volume: 1000 }],
  },
  window: { news_from: '2024-01-02T10:00:00.000Z', bar_end: '2024-01-02T15:00:00.000Z' },
  rederived: { matches: false, signal: null, differences: [{ field: 'signal', stored: 'c'.repeat(64) }], causes: ['rules: signals.rules.buyThreshold is 0.9 in the config; the signal was decided with 0.8'] },
};

describe('renderExplanation', () => {
  const text = renderExplanation(explanation);

  it('says the decision, the rule against the config, each item with its share and its records', () => {
    expect(text).toContain('  BUY AAPL at the end of the bar, 2024-01-02T15:00:00.000Z; confidence 0.53\n  status PENDING\n  record signals partition 3 offset 12\n');
    expect(text).toContain('  sentiment +0.9000 >= +0.8000, the buy threshold (config buyThreshold: 0.9)\n');
    expect(text).toContain('news counted (1), together +0.9000\n  1. positive 0.9 at 2024-01-02T15:00:00.000Z, 0 min before the bar\'s end: weight 1.0000, adds +0.9000\n     "Apple beats estimates"\n');
    expect(text).toContain(`     news.classified partition 1 offset 4: model m@1 (positive 0.9), classified 2024-01-02T15:02:00.000Z, event_type earnings, urgency breaking\n     news.raw: not found\n`);
  });

  it('lists the bars newest first, then the verdict and its causes', () => {
    expect(text).toMatch(/ {2}signal {5}2024-01-02T14:55:00.000Z .*partition 3 offset 9\n {2}lookback {3}2024-01-02T14:50:00.000Z .*offset 8\n/);
    expect(text).toContain('config rules): DIFFERS\n  the engine makes no signal at this bar from these records with these rules\n  likely causes:\n  - rules: signals.rules.buyThreshold is 0.9');
  });
});
