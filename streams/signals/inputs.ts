/** A classified news item as the signal engine sees it. */
export interface NewsInput {
  kind: 'news';
  eventUid: string;
  tickers: readonly string[];
  label: string;
  /** Probability of `label`. */
  score: number;
  /** Event time (published, else fetched), epoch ms. */
  eventTime: number;
  /** When and by which model it was classified: of two classifications of one item, the later stands. */
  classifiedAt: number;
  modelVersion: string;
  /**
   * Which story the headline tells (news.classified's story_key): copies of one story from
   * several feeds have near keys and count once. Null for an item restored from state written
   * before keys existed: a story of its own.
   */
  storyKey: string | null;
}

/** A price bar as the signal engine sees it. */
export interface CandleInput {
  kind: 'candle';
  ticker: string;
  /** Bar start, epoch ms. */
  ts: number;
  /** Bar length, ms: the bar is final (and decided on) at ts + intervalMs. */
  intervalMs: number;
  close: number;
  volume: number | null;
}

export type EngineInput = NewsInput | CandleInput;

export function eventTimeOf(input: EngineInput): number {
  return input.kind === 'news' ? input.eventTime : input.ts + input.intervalMs;
}

/** Net signed sentiment of a label: positive counts up, negative down, neutral not at all. */
export function signedScore(label: string, score: number): number {
  return label === 'positive' ? score : label === 'negative' ? -score : 0;
}
