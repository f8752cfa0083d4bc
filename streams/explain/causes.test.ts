import { describe, expect, it } from 'vitest';
import { SignalRules } from '../signals/config.ts';
import { likelyCauses, type CauseFacts } from './causes.ts';

const END = Date.UTC(2024, 0, 2, 15, 0);
const rules = SignalRules.parse({ buyThreshold: 0.8, sellThreshold: 0.7, halfLifeMinutes: 30 });
const none: CauseFacts = {
  action: 'BUY',
  barEnd: END,
  recorded: { threshold: 0.8, halfLifeMinutes: 30 },
  rules,
  newsTopic: 'news.classified',
  candlesTopic: 'market.candles',
  missingNews: [],
  reclassified: [],
  extraNews: [],
  barMissing: false,
  heldBackBy: null,
  lookbackBars: { stored: 5, derived: 5 },
  matchesWithRecordedRules: null,
};

describe('likelyCauses', () => {
  const cases: Array<[string, Partial<CauseFacts>, RegExp[]]> = [
    ['nothing found: the rules the reason does not record', {}, [/^no cause found .*\(horizonHalfLives, minNews, lookbackBars, .*storyMaxDistance\)$/]],
    [
      'another buy threshold, and the recorded one gives the signal',
      { recorded: { threshold: 0.6, halfLifeMinutes: 30 }, matchesWithRecordedRules: true },
      [/^rules: signals\.rules\.buyThreshold is 0\.8 in the config; the signal was decided with 0\.6$/, /^with the recorded buyThreshold and halfLifeMinutes the records give the stored signal exactly/],
    ],
    ['a SELL compares the sell threshold', { action: 'SELL', recorded: { threshold: 0.7, halfLifeMinutes: 30 } }, [/^no cause found/]],
    [
      'another half-life, and more than that differs',
      { recorded: { threshold: 0.8, halfLifeMinutes: 60 }, matchesWithRecordedRules: false },
      [/^rules: signals\.rules\.halfLifeMinutes is 30 in the config; the signal was decided with 60$/, /still do not give the stored signal: more than those differs$/],
    ],
    [
      'an earlier signal within the cooldown, with other rules',
      { recorded: { threshold: 0.9, halfLifeMinutes: 30 }, matchesWithRecordedRules: true, heldBackBy: END - 10 * 60_000 },
      [/^rules: signals\.rules\.buyThreshold is 0\.8/, /^with the recorded/, /^cooldown: with the configured rules the engine signals BUY at 2024-01-02T14:50:00\.000Z already, within cooldownMinutes \(240\) of this bar/],
    ],
    ['news the signal used is gone', { missingNews: ['u1', 'u2'] }, [/^records missing: 2 news item\(s\) the signal used are not in news\.classified .*: u1, u2$/]],
    ['its bar is gone', { barMissing: true }, [/^records missing: the signal's bar is not in market\.candles/]],
    ['fewer lookback bars', { lookbackBars: { stored: 5, derived: 2 } }, [/^records missing: market\.candles holds 2 bar\(s\) before the signal's bar, the signal had 5$/]],
    ['more lookback bars than the live engine had', { lookbackBars: { stored: 1, derived: 5 } }, [/^the live engine had seen 1 bar\(s\) before this one, market\.candles holds 5/]],
    [
      'an item classified again since',
      { reclassified: [{ eventUid: 'u1', used: { label: 'positive', score: 0.9 }, now: { label: 'negative', score: 0.8, modelVersion: 'm@2' } }] },
      [/^reclassified: u1 is negative 0\.8 \(model m@2\) in news\.classified, the signal used positive 0\.9/],
    ],
    ['an item the signal did not count', { extraNews: [{ eventUid: 'u3', classifiedAt: END + 3_600_000 }] }, [/^late record: u3 counts now .*classified at 2024-01-02T16:00:00\.000Z.*ending 2024-01-02T15:00:00\.000Z/]],
  ];
  it.each(cases)('%s', (_, facts, expected) => {
    const causes = likelyCauses({ ...none, ...facts });
    expect(causes).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(causes[i]).toMatch(re));
  });
});
