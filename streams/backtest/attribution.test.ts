import { describe, expect, it } from 'vitest';
import type { Signal } from '../../schemas/records.ts';
import { attribute, NO_TAG, UNKNOWN_TAG, type NewsTags } from './attribution.ts';

const H = 3_600_000;
const T = Date.UTC(2024, 0, 2, 15);
const item = (uid: string, label: string, score: number, hoursBefore: number) => ({ event_uid: uid, label, score, event_time: new Date(T - hoursBefore * H).toISOString() });
const sig = (news: unknown[]): Signal => ({
  signal_id: 's', ts: T, ticker: 'A', action: 'BUY', confidence: 0.6, reason: JSON.stringify({ half_life_minutes: 60, news }), status: 'PENDING', executed_at: null, filled_price: null, shares: null,
});
const tags = new Map<string, NewsTags>([
  ['old', { eventType: 'earnings', urgency: 'breaking' }],
  ['new', { eventType: 'product', urgency: 'routine' }],
  ['neg', { eventType: 'legal', urgency: 'routine' }],
  ['bare', { eventType: null, urgency: null }],
]);

describe('attribution: the item of largest absolute weight', () => {
  // [case, reason news, event type, urgency]
  const cases: Array<[string, unknown[], string, string]> = [
    // 0.9 two half-lives ago weighs 0.225; 0.6 now weighs 0.6.
    ['a fresh item outweighs a stronger old one', [item('old', 'positive', 0.9, 2), item('new', 'positive', 0.6, 0)], 'product', 'routine'],
    ['an old item one half-life ago still wins when stronger', [item('old', 'positive', 0.99, 1), item('new', 'positive', 0.45, 0)], 'earnings', 'breaking'],
    ['a negative item counts by its absolute weight', [item('new', 'positive', 0.5, 0), item('neg', 'negative', 0.7, 0)], 'legal', 'routine'],
    ['a neutral item weighs nothing', [item('old', 'neutral', 0.99, 0), item('new', 'positive', 0.1, 0)], 'product', 'routine'],
    ['a tie goes to the item listed first', [item('old', 'positive', 0.5, 1), item('new', 'positive', 0.25, 0)], 'earnings', 'breaking'],
    ['an item without event type or urgency', [item('bare', 'positive', 0.9, 0)], NO_TAG, NO_TAG],
    ['an item not among the classified news read', [item('gone', 'positive', 0.9, 0)], UNKNOWN_TAG, UNKNOWN_TAG],
    ['a reason without news', [], NO_TAG, NO_TAG],
  ];
  it.each(cases)('%s', (_n, news, eventType, urgency) => {
    expect(attribute(sig(news), tags)).toMatchObject({ eventType, urgency });
  });
  it('an unreadable reason is attributed to nothing', () => {
    expect(attribute({ ...sig([]), reason: 'not json' }, tags)).toEqual({ eventUid: null, eventType: NO_TAG, urgency: NO_TAG });
  });
});
