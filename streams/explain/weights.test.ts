import { describe, expect, it } from 'vitest';
import { newsWeight } from './weights.ts';

const END = Date.UTC(2024, 0, 2, 15, 0);
const MIN = 60_000;

describe('newsWeight', () => {
  it.each([
    ['at the bar end: full weight', 'positive', 0.9, 0, 30, { ageMinutes: 0, weight: 1, contribution: 0.9 }],
    ['one half-life before: half', 'positive', 0.9, 30, 30, { ageMinutes: 30, weight: 0.5, contribution: 0.45 }],
    ['two half-lives before: a quarter', 'positive', 0.8, 60, 30, { ageMinutes: 60, weight: 0.25, contribution: 0.2 }],
    ['negative news takes away', 'negative', 0.8, 30, 30, { ageMinutes: 30, weight: 0.5, contribution: -0.4 }],
    ['neutral news adds nothing, whatever its weight', 'neutral', 0.99, 0, 30, { ageMinutes: 0, weight: 1, contribution: 0 }],
    ['a longer half-life decays slower', 'positive', 1, 30, 120, { ageMinutes: 30, weight: 2 ** -0.25, contribution: 2 ** -0.25 }],
  ])('%s', (_, label, score, minutesBefore, halfLife, expected) => {
    const w = newsWeight({ label, score, eventTime: END - minutesBefore * MIN }, END, halfLife);
    expect(w.ageMinutes).toBe(expected.ageMinutes);
    expect(w.weight).toBeCloseTo(expected.weight, 12);
    expect(w.contribution).toBeCloseTo(expected.contribution, 12);
  });
});
