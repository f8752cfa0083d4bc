import { describe, expect, it } from 'vitest';
import { walkForwardWindows } from './walk-forward.ts';
import { luckySharpe, selectionWarning } from './selection-bias.ts';

const D = 86_400_000;

describe('walkForwardWindows', () => {
  it.each([
    { what: 'rolled by the test length', range: [0, 10 * D], o: { trainMs: 4 * D, testMs: 2 * D }, tests: [[4, 6], [6, 8], [8, 10]] },
    { what: 'an unfinished last window is dropped', range: [0, 9 * D], o: { trainMs: 4 * D, testMs: 2 * D }, tests: [[4, 6], [6, 8]] },
    { what: 'a step shorter than the test', range: [0, 8 * D], o: { trainMs: 4 * D, testMs: 2 * D, stepMs: D }, tests: [[4, 6], [5, 7], [6, 8]] },
    { what: 'a range too short for one window', range: [0, 5 * D], o: { trainMs: 4 * D, testMs: 2 * D }, tests: [] },
  ])('$what', ({ range, o, tests }) => {
    const windows = walkForwardWindows(range[0]!, range[1]!, o);
    expect(windows.map((w) => [w.test.from / D, w.test.to / D])).toEqual(tests);
    for (const w of windows) expect(w.train.to).toBe(w.test.from);
  });

  it('refuses windows of no length', () => {
    expect(() => walkForwardWindows(0, D, { trainMs: 0, testMs: D })).toThrow(RangeError);
  });
});

describe('selection bias', () => {
  it.each([
    { n: 1, periods: 252, bar: null },
    { n: 100, periods: 252, bar: Math.sqrt(2 * Math.log(100)) },
    { n: 100, periods: 63, bar: Math.sqrt(2 * Math.log(100)) * 2 },
  ])('luck alone gives the best of $n an annualised Sharpe of about $bar over $periods days', ({ n, periods, bar }) => {
    const got = luckySharpe(n, periods, 252);
    if (bar === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(bar, 10);
  });

  it.each([
    { n: 4, level: /^Note: 4 rule sets/ },
    { n: 24, level: /^Warning: 24 rule sets/ },
    { n: 120, level: /^Strong warning: 120 rule sets/ },
  ])('warns more strongly the more rule sets were tried ($n)', ({ n, level }) => {
    expect(selectionWarning(n, 252, 252)).toMatch(level);
  });

  it('warns of the choice even when a window is too short to size the luck', () => {
    expect(selectionWarning(6, 1, 252)).toMatch(/^Note: 6 rule sets were tried. With 1 periodic returns a train window is too short/);
    expect(selectionWarning(1, 252, 252)).toMatch(/^One rule set/);
  });
});
