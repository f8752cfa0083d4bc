/**
 * Delay before the next attempt after `failures` consecutive failures: initial × 2^(n−1),
 * capped, with ±20% jitter so that many broken feeds do not retry in lockstep.
 * `random` is injectable for tests.
 */
export function backoffMs(failures: number, initialSeconds: number, maxSeconds: number, random: () => number = Math.random): number {
  if (failures <= 0) return 0;
  const base = Math.min(maxSeconds, initialSeconds * 2 ** (failures - 1)) * 1000;
  const jitter = 1 + (random() * 0.4 - 0.2);
  return Math.round(base * jitter);
}
