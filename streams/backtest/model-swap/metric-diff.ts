// Every metric of two backtests' stats side by side, whatever fields the stats have: the
// comparison walks the object instead of naming today's fields, so a metric added to the stats
// shows up here without a change. Rows of a list (per horizon, per ticker) are named by their
// first field, so the same ticker is compared with itself even when the two lists differ.
// Series (a list of numbers, or of points with a `ts`) are left out: they are drawn, not compared.

export interface MetricRow {
  /** Path in the stats, e.g. `cumulativeReturn`, `horizons[60].hitRate`, `perTicker[AAPL].signals`. */
  metric: string;
  live: number | null;
  candidate: number | null;
  /** candidate − live; null when either side has no value. */
  delta: number | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isSeries(list: readonly unknown[]): boolean {
  return list.every((x) => typeof x === 'number') || list.some((x) => isRecord(x) && 'ts' in x);
}

/** The numbers (and empty metrics, null) in `value`, by path, in the object's own order. */
export function metricsOf(value: unknown, path = ''): Array<[string, number | null]> {
  if (typeof value === 'number') return path ? [[path, value]] : [];
  if (value === null) return path ? [[path, null]] : [];
  if (Array.isArray(value)) {
    if (isSeries(value)) return [];
    return value.flatMap((row, i) => {
      if (!isRecord(row)) return metricsOf(row, `${path}[${i}]`);
      const [first] = Object.entries(row);
      const named = first !== undefined && (typeof first[1] === 'string' || typeof first[1] === 'number');
      const rest = named ? Object.fromEntries(Object.entries(row).slice(1)) : row;
      return metricsOf(rest, `${path}[${named ? String(first[1]) : i}]`);
    });
  }
  if (isRecord(value)) return Object.entries(value).flatMap(([k, v]) => metricsOf(v, path ? `${path}.${k}` : k));
  return [];
}

/** Every metric of either side, live's order first, then the candidate's new ones. */
export function metricDiff(live: unknown, candidate: unknown): MetricRow[] {
  const a = new Map(metricsOf(live));
  const b = new Map(metricsOf(candidate));
  const names = [...new Set([...a.keys(), ...b.keys()])];
  return names.map((metric) => {
    const l = a.get(metric) ?? null;
    const c = b.get(metric) ?? null;
    return { metric, live: l, candidate: c, delta: l === null || c === null ? null : c - l };
  });
}
