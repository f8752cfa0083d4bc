import { describe, expect, it } from 'vitest';
import type { NewsClassified } from '../../../schemas/records.ts';
import { SAMPLES } from '../../../schemas/samples.ts';
import { compareLabels, type LabelComparison } from './label-changes.ts';

const item = (uid: string, label: string, score: number, eventTime = 1000): NewsClassified => ({ ...SAMPLES.newsClassified, event_uid: uid, event_time: eventTime, title: `t ${uid}`, sentiment_label: label, sentiment_score: score });

describe('label changes', () => {
  const cases: Array<[string, NewsClassified[], NewsClassified[], Partial<LabelComparison> & { changedUids?: string[] }]> = [
    ['the same classification: nothing changed', [item('a', 'positive', 0.9)], [item('a', 'positive', 0.9)], { compared: 1, changedUids: [], rescored: 0, largestScoreShift: 0 }],
    ['a flipped label is a change', [item('a', 'positive', 0.9)], [item('a', 'negative', 0.9)], { compared: 1, changedUids: ['a'], rescored: 0 }],
    ['another score under the same label is a rescore, not a change', [item('a', 'positive', 0.9), item('b', 'neutral', 0.5)], [item('a', 'positive', 0.7), item('b', 'neutral', 0.55)], { changedUids: [], rescored: 2, largestScoreShift: 0.2 }],
    ['changes in event-time order, then by uid', [item('z', 'positive', 0.9, 1), item('b', 'positive', 0.9, 2), item('a', 'positive', 0.9, 2)], [item('a', 'neutral', 0.9, 2), item('b', 'neutral', 0.9, 2), item('z', 'neutral', 0.9, 1)], { changedUids: ['z', 'a', 'b'] }],
    ['items on one side only are counted apart', [item('a', 'positive', 0.9), item('b', 'positive', 0.9)], [item('a', 'positive', 0.9), item('c', 'negative', 0.9)], { compared: 1, onlyLive: 1, onlyCandidate: 1, changedUids: [] }],
  ];
  it.each(cases)('%s', (_name, live, candidate, expected) => {
    const r = compareLabels(live, candidate);
    const { changedUids, largestScoreShift, ...rest } = expected;
    expect(r).toMatchObject(rest);
    if (changedUids) expect(r.changed.map((c) => c.eventUid)).toEqual(changedUids);
    if (largestScoreShift !== undefined) expect(r.largestScoreShift).toBeCloseTo(largestScoreShift, 10);
  });

  it('keeps both sides of a change', () => {
    expect(compareLabels([item('a', 'positive', 0.91)], [item('a', 'negative', 0.88)]).changed).toEqual([{ eventUid: 'a', eventTime: 1000, title: 't a', live: { label: 'positive', score: 0.91 }, candidate: { label: 'negative', score: 0.88 } }]);
  });
});
