import { describe, expect, it } from 'vitest';
import { duration, pct } from './report.ts';

describe('report number formats', () => {
  // [value, as a percentage]
  const percentages: Array<[number | null, string]> = [
    [0.123456, '12.35 %'],
    [-0.5, '-50.00 %'],
    [-1e-9, '0.00 %'],
    [null, '-'],
  ];
  it.each(percentages)('pct(%s)', (x, s) => expect(pct(x)).toBe(s));

  const MIN = 60_000;
  // [ms, as a duration]
  const durations: Array<[number, string]> = [
    [0, '0 min'],
    [42 * MIN, '42 min'],
    [(7 * 60 + 10) * MIN, '7 h 10 min'],
    [(3 * 1440 + 5 * 60 + 59) * MIN, '3 d 5 h'],
  ];
  it.each(durations)('duration(%s)', (ms, s) => expect(duration(ms)).toBe(s));
});
