// A Prometheus histogram as a component serves it on /metrics, read back: its cumulative
// buckets (summed over label sets), the difference of two scrapes, and the quantile estimate
// PromQL's histogram_quantile makes (linear inside the bucket that holds the rank).

export interface Histogram {
  /** Upper bounds, ascending, +Inf last, with cumulative counts. */
  buckets: Array<{ le: number; count: number }>;
  count: number;
  sum: number;
}

/** The histogram `name` (full name, without `_bucket`) in a /metrics body; label sets summed. */
export function parseHistogram(body: string, name: string): Histogram {
  const byLe = new Map<number, number>();
  let count = 0;
  let sum = 0;
  for (const line of body.split('\n')) {
    if (line.startsWith(`${name}_bucket{`)) {
      const le = line.match(/le="([^"]+)"/)?.[1];
      if (le === undefined) continue;
      const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
      byLe.set(bound, (byLe.get(bound) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
    } else if (line.startsWith(`${name}_count`)) count += Number(line.slice(line.lastIndexOf(' ') + 1));
    else if (line.startsWith(`${name}_sum`)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  const buckets = [...byLe.entries()].sort((a, b) => a[0] - b[0]).map(([le, c]) => ({ le, count: c }));
  return { buckets, count, sum };
}

/** What was observed between two scrapes of one process. */
export function minus(later: Histogram, earlier: Histogram): Histogram {
  const before = new Map(earlier.buckets.map((b) => [b.le, b.count]));
  return { buckets: later.buckets.map((b) => ({ le: b.le, count: b.count - (before.get(b.le) ?? 0) })), count: later.count - earlier.count, sum: later.sum - earlier.sum };
}

/** histogram_quantile(q, …): NaN without observations; the highest finite bound when the rank is in +Inf. */
export function quantile(h: Histogram, q: number): number {
  const total = h.buckets.at(-1)?.count ?? 0;
  if (!total) return Number.NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of h.buckets) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return prevLe;
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / Math.max(1e-12, b.count - prevCount);
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}
