import { signedScore } from '../signals/inputs.ts';

// What one news item added to a signal's sentiment, as the engine computed it (engine.ts):
// its signed score decayed by its age at the bar's end, halving every half-life.

export interface NewsWeight {
  /** Age at the bar's end, minutes. */
  ageMinutes: number;
  /** 2^(−age / half-life): 1 at the bar's end, ½ one half-life before. */
  weight: number;
  /** Signed score × weight: the item's share of the sentiment. */
  contribution: number;
}

export function newsWeight(n: { label: string; score: number; eventTime: number }, barEnd: number, halfLifeMinutes: number): NewsWeight {
  const ageMinutes = (barEnd - n.eventTime) / 60_000;
  const weight = 2 ** (-ageMinutes / halfLifeMinutes);
  return { ageMinutes, weight, contribution: signedScore(n.label, n.score) * weight };
}
