import { describe, expect, it } from 'vitest';
import { SignalRules } from '../signals/config.ts';
import { explainWindow, firstCandlesFrom, widerCandlesFrom } from './window.ts';

const END = Date.UTC(2024, 0, 2, 15, 0);
const MIN = 60_000;
// horizon 4 × 15 min, story window 10 min, cooldown 20 min: 90 min before the bar's end.
const rules = SignalRules.parse({ halfLifeMinutes: 15, horizonHalfLives: 4, storyWindowMinutes: 10, cooldownMinutes: 20 });

describe('explainWindow', () => {
  it.each([
    ['the configured rules: cooldown, horizon and story window before the bar end', { halfLifeMinutes: 15, earliestNewsTime: null }, END - 90 * MIN],
    ['a longer recorded half-life reaches further back', { halfLifeMinutes: 30, earliestNewsTime: null }, END - (20 + 4 * 30 + 10) * MIN],
    ['a shorter recorded half-life does not shorten it', { halfLifeMinutes: 5, earliestNewsTime: null }, END - 90 * MIN],
    ['news the signal used from before that: a story window before the earliest', { halfLifeMinutes: 15, earliestNewsTime: END - 200 * MIN }, END - 210 * MIN],
    ['news the signal used within it changes nothing', { halfLifeMinutes: 15, earliestNewsTime: END - 30 * MIN }, END - 90 * MIN],
  ])('%s', (_, recorded, newsFrom) => {
    expect(explainWindow(END, rules, recorded)).toEqual({ newsFrom, barEnd: END });
  });

  it('reads bars from a lookback before the news, then four times further back each time', () => {
    const w = explainWindow(END, rules, { halfLifeMinutes: 15, earliestNewsTime: null });
    const first = firstCandlesFrom(w, 5, 5 * MIN);
    expect(w.newsFrom - first).toBe(25 * MIN);
    expect(w.newsFrom - widerCandlesFrom(w, first)).toBe(100 * MIN);
    expect(w.newsFrom - widerCandlesFrom(w, widerCandlesFrom(w, first))).toBe(400 * MIN);
  });
});
