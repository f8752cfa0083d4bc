import type { NewsClassified, Signal } from '../../schemas/records.ts';

/**
 * What one backtest replay read and decided, for a caller that compares two replays of one
 * range (`backtest --model`: the live classification against a candidate model's).
 */
export interface BacktestReplay {
  /** Start of the news it read, event time (epoch ms): the range's start less the warm-up. The news ends at the range's end. */
  newsFrom: number;
  /** The classified news it read, in no particular order. */
  news: readonly NewsClassified[];
  /** Its signals inside the range. */
  signals: readonly Signal[];
}
