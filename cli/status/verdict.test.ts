import { describe, expect, it } from 'vitest';
import { groupVerdict, partitionVerdict, type PartitionSample } from './verdict.ts';

const p = (committedBefore: number, committedAfter: number, lagBefore: number, lagAfter: number): PartitionSample => ({
  committedBefore: BigInt(committedBefore),
  committedAfter: BigInt(committedAfter),
  lagBefore: BigInt(lagBefore),
  lagAfter: BigInt(lagAfter),
});

describe('verdicts', () => {
  const cases: Array<[string, PartitionSample, string]> = [
    ['no lag', p(10, 10, 0, 0), 'ok'],
    ['caught up during the window', p(10, 20, 5, 0), 'ok'],
    ['lag shrinking while committing', p(10, 20, 50, 40), 'ok'],
    ['lag steady while committing', p(10, 20, 50, 50), 'ok'],
    ['committing but falling behind', p(10, 20, 50, 80), 'lagging'],
    ['lag and no commit', p(10, 10, 50, 50), 'stalled'],
    ['lag growing and no commit', p(10, 10, 50, 90), 'stalled'],
  ];
  it.each(cases)('%s', (_n, sample, expected) => expect(partitionVerdict(sample)).toBe(expected));

  it('the worst partition decides the group', () => {
    expect(groupVerdict([p(1, 1, 0, 0), p(1, 5, 3, 9)])).toBe('lagging');
    expect(groupVerdict([p(1, 5, 3, 9), p(1, 1, 3, 3)])).toBe('stalled');
    expect(groupVerdict([])).toBe('ok');
  });
});
