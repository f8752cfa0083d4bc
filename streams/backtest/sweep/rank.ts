import type { RankMetric } from './grid-file.ts';

// Results ranked by one figure, best first: higher is better but for the drawdown; a result
// without the figure (too few periodic returns) ranks last; ties keep the grid's order, so the
// same grid gives the same table.

/** Whether `a` is a better value of the figure than `b`: higher, but for the drawdown. */
export function better(metric: RankMetric): (a: number, b: number) => boolean {
  return metric === 'maxDrawdown' ? (a, b) => a < b : (a, b) => a > b;
}

export function rankBy<T>(items: readonly T[], metric: RankMetric, valueOf: (item: T) => number | null): T[] {
  const sign = metric === 'maxDrawdown' ? 1 : -1;
  return items
    .map((item, order) => ({ item, order, value: valueOf(item) }))
    .sort((a, b) => {
      if (a.value === null || b.value === null) return a.value === b.value ? a.order - b.order : a.value === null ? 1 : -1;
      return sign * (a.value - b.value) || a.order - b.order;
    })
    .map((x) => x.item);
}
