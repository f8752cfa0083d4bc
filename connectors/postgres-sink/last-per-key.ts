/**
 * Keeps the last item per key, in key order. A batch upsert must not meet one key twice
 * (ON CONFLICT cannot update a row twice in one statement), and the last record of a key is
 * the one that wins in the topic. Key order makes concurrent transactions take row locks in
 * the same order, so two batches touching the same rows wait for each other, never deadlock.
 */
export function lastPerKeyInKeyOrder<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const last = new Map<string, T>();
  for (const item of items) last.set(keyOf(item), item);
  // The default sort compares UTF-16 code units, as `<` does, without a comparator's calls.
  return [...last.keys()].sort().map((k) => last.get(k)!);
}
