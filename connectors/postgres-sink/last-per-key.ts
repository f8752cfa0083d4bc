/**
 * Keeps the last item per key, in the order of the last occurrences. A batch upsert must
 * not meet one key twice (ON CONFLICT cannot update a row twice in one statement), and the
 * last record of a key is the one that wins in the topic.
 */
export function lastPerKey<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const last = new Map<string, number>();
  for (let i = 0; i < items.length; i++) last.set(keyOf(items[i]!), i);
  if (last.size === items.length) return items as T[];
  const keep = [...last.values()].sort((a, b) => a - b);
  return keep.map((i) => items[i]!);
}
