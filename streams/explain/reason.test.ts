import { describe, expect, it } from 'vitest';
import { BadRecordError } from '../../core/errors.ts';
import { parseReason } from './reason.ts';

const where = { topic: 'signals', partition: 2, offset: '17' };
const engineReason = {
  rule: 'sentiment_momentum',
  action: 'BUY',
  sentiment: 0.91,
  threshold: 0.8,
  half_life_minutes: 120,
  news: [{ event_uid: 'a'.repeat(64), label: 'positive', score: 0.95, event_time: '2024-01-02T14:30:00.000Z' }],
  bar: { ts: '2024-01-02T14:30:00.000Z', close: 185.3, volume: 1000 },
  lookback_bars: 5,
  price_move_pct: 0.4,
  volume_ratio: null,
};

describe('parseReason', () => {
  it('reads the reason the engine writes, with or without copies', () => {
    expect(parseReason(JSON.stringify(engineReason), where)).toEqual(engineReason);
    const copies = [{ event_uid: 'b'.repeat(64), copy_of: 'a'.repeat(64) }];
    expect(parseReason(JSON.stringify({ ...engineReason, copies }), where).copies).toEqual(copies);
  });

  it.each([
    ['not JSON', '{rule', /the signal's reason is not JSON/],
    ['an older engine\'s (event_uids only)', JSON.stringify({ rule: 'sentiment_momentum', event_uids: ['a'] }), /has no usable action/],
    ['news without times', JSON.stringify({ ...engineReason, news: [{ event_uid: 'a', label: 'positive', score: 1 }] }), /has no usable news\.0\.event_time/],
  ])('refuses a reason that is %s, as a bad record at its position', (_, text, message) => {
    let thrown: unknown;
    try {
      parseReason(text, where);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(BadRecordError);
    expect((thrown as BadRecordError).message).toMatch(message);
    expect((thrown as BadRecordError).where).toEqual(where);
  });
});
