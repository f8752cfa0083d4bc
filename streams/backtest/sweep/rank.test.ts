import { describe, expect, it } from 'vitest';
import { heatmapCells } from './heatmap-cells.ts';
import { rankBy } from './rank.ts';

describe('rankBy', () => {
  it.each([
    { what: 'higher first', metric: 'sharpe' as const, values: [0.5, 2, 1], order: [1, 2, 0] },
    { what: 'the smallest drawdown first', metric: 'maxDrawdown' as const, values: [0.3, 0.1, 0.2], order: [1, 2, 0] },
    { what: 'ties in grid order', metric: 'sharpe' as const, values: [1, 2, 1, 2], order: [1, 3, 0, 2] },
    { what: 'a missing figure last, in grid order', metric: 'sharpe' as const, values: [null, 1, null, -1], order: [1, 3, 0, 2] },
  ])('$what', ({ metric, values, order }) => {
    const items = values.map((value, i) => ({ i, value }));
    expect(rankBy(items, metric, (x) => x.value).map((x) => x.i)).toEqual(order);
  });
});

describe('heatmapCells', () => {
  const higher = (a: number, b: number) => a > b;
  it('one cell per pair of the two rules, the best over the others', () => {
    const rows = [
      { params: { a: 1, b: 10, c: 0 }, value: 0.1 },
      { params: { a: 1, b: 10, c: 1 }, value: 0.4 },
      { params: { a: 2, b: 10, c: 0 }, value: null },
      { params: { a: 2, b: 10, c: 1 }, value: -0.2 },
      { params: { a: 1, b: 20, c: 0 }, value: null },
    ];
    expect(heatmapCells(rows, 'a', 'b', higher)).toEqual([
      { x: 1, y: 10, value: 0.4 },
      { x: 2, y: 10, value: -0.2 },
      { x: 1, y: 20, value: null },
    ]);
  });
});
