import { describe, expect, it } from 'vitest';
import { runsByLength } from './sentiment-model.ts';

describe('runsByLength', () => {
  it.each([
    { name: 'nothing', lengths: [], size: 4, runs: [] },
    { name: 'one text', lengths: [7], size: 4, runs: [[0]] },
    { name: 'shortest first, within one run', lengths: [9, 3, 5], size: 4, runs: [[1, 2, 0]] },
    { name: 'cut into runs of the size', lengths: [40, 8, 12, 9, 41, 10], size: 2, runs: [[1, 3], [5, 2], [0, 4]] },
    { name: 'equal lengths keep their order', lengths: [5, 5, 5], size: 2, runs: [[0, 1], [2]] },
  ])('$name', ({ lengths, size, runs }) => {
    expect(runsByLength(lengths, size)).toEqual(runs);
  });

  it('covers every text exactly once', () => {
    const lengths = Array.from({ length: 100 }, (_, i) => (i * 37) % 61);
    const flat = runsByLength(lengths, 7).flat();
    expect([...flat].sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
  });
});
