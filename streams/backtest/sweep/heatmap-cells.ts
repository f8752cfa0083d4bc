import type { HeatmapCell } from '../charts/parameter-heatmap.ts';
import type { GridValue } from './grid.ts';

// The heatmap's cells over two swept rules. With more rules swept, a cell holds the best value
// over the others (best as the ranking has it), so the chart says where a good rule set exists.

export function heatmapCells(rows: ReadonlyArray<{ params: Record<string, GridValue>; value: number | null }>, x: string, y: string, better: (a: number, b: number) => boolean): HeatmapCell[] {
  const cells = new Map<string, HeatmapCell>();
  for (const r of rows) {
    const cx = r.params[x]!;
    const cy = r.params[y]!;
    const key = JSON.stringify([cx, cy]);
    const cell = cells.get(key);
    if (!cell) cells.set(key, { x: typeof cx === 'boolean' ? String(cx) : cx, y: typeof cy === 'boolean' ? String(cy) : cy, value: r.value });
    else if (r.value !== null && (cell.value === null || better(r.value, cell.value))) cell.value = r.value;
  }
  return [...cells.values()];
}
