import { describe, expect, it } from 'vitest';
import type { Signal } from '../../schemas/records.ts';
import { SAMPLES } from '../../schemas/samples.ts';
import { sameDecision, signalDifferences, type Difference } from './compare.ts';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const item = (event_uid: string, score = 0.9) => ({ event_uid, label: 'positive', score, event_time: '2024-01-02T14:30:00.000Z' });
const reason = { rule: 'sentiment_momentum', action: 'BUY', sentiment: 0.9, threshold: 0.8, news: [item(A)], lookback_bars: 5, volume_ratio: null };
const signal = (fields: Partial<Signal> = {}, r: Record<string, unknown> = {}): Signal => ({ ...SAMPLES.signals, confidence: 0.53, reason: JSON.stringify({ ...reason, ...r }), ...fields });

describe('signalDifferences', () => {
  const cases: Array<[string, Signal, Difference[]]> = [
    ['the same signal: none', signal(), []],
    ['another confidence', signal({ confidence: 0.6 }), [{ field: 'confidence', stored: 0.53, derived: 0.6 }]],
    ['another action and id', signal({ action: 'SELL', signal_id: 'd'.repeat(64) }, { action: 'SELL' }), [
      { field: 'signal_id', stored: SAMPLES.signals.signal_id, derived: 'd'.repeat(64) },
      { field: 'action', stored: 'BUY', derived: 'SELL' },
      { field: 'reason.action', stored: 'BUY', derived: 'SELL' },
    ]],
    ['a field of the reason', signal({}, { threshold: 0.9 }), [{ field: 'reason.threshold', stored: 0.8, derived: 0.9 }]],
    ['null against a number', signal({}, { volume_ratio: 1.2 }), [{ field: 'reason.volume_ratio', stored: null, derived: 1.2 }]],
    ['one news item more: that item only, by event_uid', signal({}, { news: [item(B), item(A)] }), [{ field: `reason.news[${B}]`, derived: item(B) }]],
    ['one news item fewer', signal({}, { news: [] }), [{ field: `reason.news[${A}]`, stored: item(A) }]],
    ['an item\'s score', signal({}, { news: [item(A, 0.7)] }), [{ field: `reason.news[${A}].score`, stored: 0.9, derived: 0.7 }]],
    ['copies only in the derived reason', signal({}, { copies: [{ event_uid: B, copy_of: A }] }), [{ field: 'reason.copies', derived: [{ event_uid: B, copy_of: A }] }]],
  ];
  it.each(cases)('%s', (_, derived, expected) => {
    expect(signalDifferences(signal(), derived)).toEqual(expected);
  });

  it('a stored reason that is not JSON differs as a whole', () => {
    expect(signalDifferences(signal({ reason: 'x' }), signal())).toEqual([{ field: 'reason', stored: 'x', derived: { ...reason } }]);
  });
});

describe('sameDecision', () => {
  it.each([
    ['the same record', signal(), true],
    ['a status update of it (the executor\'s)', signal({ status: 'EXECUTED', executed_at: 1, filled_price: 100, shares: 1 }), true],
    ['another confidence', signal({ confidence: 0.6 }), false],
    ['a reason with the same fields in another order', signal({ reason: JSON.stringify(Object.fromEntries(Object.entries(reason).reverse())) }), false],
  ])('%s: %s', (_, derived, same) => {
    expect(sameDecision(signal(), derived)).toBe(same);
  });
});
