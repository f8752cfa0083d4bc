import type { SignalRules } from '../signals/config.ts';

// Which records the decision is derived again from: the ticker's news from far enough before
// the signal's bar end that a fresh engine sees what the live one had — the horizon, the story
// window before it (the earlier copy of a story keeps a later one from counting) and the
// cooldown (an earlier signal of the same action would hold this one back) — and bars from the
// lookback before that. The horizon is taken for the configured half-life and for the recorded
// one, so that changed rules are reported as such, not as news missing from the topics.

export interface ExplainWindow {
  /** News with event times after this (and up to barEnd) are read. */
  newsFrom: number;
  barEnd: number;
}

const MIN = 60_000;

export function explainWindow(barEnd: number, rules: SignalRules, recorded: { halfLifeMinutes: number; earliestNewsTime: number | null }): ExplainWindow {
  const keepMs = (halfLifeMinutes: number) => (halfLifeMinutes * rules.horizonHalfLives + rules.storyWindowMinutes) * MIN;
  const before = rules.cooldownMinutes * MIN;
  const starts = [barEnd - before - keepMs(rules.halfLifeMinutes), barEnd - before - keepMs(recorded.halfLifeMinutes)];
  if (recorded.earliestNewsTime !== null) starts.push(recorded.earliestNewsTime - rules.storyWindowMinutes * MIN);
  return { newsFrom: Math.min(...starts), barEnd };
}

/** Where bars are first read from: the lookback's length before the news, in bars of the interval. */
export function firstCandlesFrom(w: ExplainWindow, lookbackBars: number, intervalMs: number): number {
  return w.newsFrom - lookbackBars * intervalMs;
}

/**
 * Where to read bars from when fewer than the lookback came before the news (a weekend, a
 * holiday, a halted ticker): four times further back each time.
 */
export function widerCandlesFrom(w: ExplainWindow, from: number): number {
  return w.newsFrom - 4 * (w.newsFrom - from);
}
