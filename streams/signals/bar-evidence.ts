import type { CandleInput, NewsInput } from './inputs.ts';

/**
 * What a decided bar offers the rule, before any threshold: the ticker's decayed sentiment at
 * the bar's end, the news it sums and the copies left out, and the price context over the
 * lookback. It depends only on the inputs and on the rules that shape the sums (half-life,
 * horizon, story, lookback, lateness), not on thresholds or cooldown, so a sweep computes it once
 * for all rule sets that share those.
 */
export interface BarEvidence {
  ticker: string;
  bar: CandleInput;
  /** Bar end, epoch ms: the signal's time. */
  end: number;
  sentiment: number;
  /** The items counted, in (event time, event_uid) order. */
  news: readonly NewsInput[];
  /** The items in the horizon left out as copies, with the item each copies. */
  copies: ReadonlyArray<{ eventUid: string; copyOf: string }>;
  lookbackBars: number;
  movePct: number;
  volumeRatio: number | null;
}
