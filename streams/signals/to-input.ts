import type { Candle, NewsClassified } from '../../schemas/records.ts';
import { INTERVAL_MS, type Interval } from '../../connectors/candles/config.ts';
import { BadRecordError } from '../../core/errors.ts';
import { candleProblem, classifiedProblem, usable } from '../../schemas/record-checks.ts';
import type { EngineInput } from './inputs.ts';

/** A decoded topic record as the engine's input; one the engine cannot use throws BadRecordError. */
export function newsInput(n: NewsClassified): EngineInput {
  usable(n, classifiedProblem);
  return { kind: 'news', eventUid: n.event_uid, tickers: n.tickers, label: n.sentiment_label, score: n.sentiment_score, eventTime: n.event_time };
}

/** The input, or null when the record is one the engine cannot use (replays skip it, as the live processor DLQs it). */
export function usableInput(make: () => EngineInput): EngineInput | null {
  try {
    return make();
  } catch (err) {
    if (err instanceof BadRecordError) return null;
    throw err;
  }
}

export function candleInput(c: Candle): EngineInput {
  const intervalMs = INTERVAL_MS[c.interval as Interval];
  if (!intervalMs) throw new BadRecordError(`candle with an unknown interval ${JSON.stringify(c.interval)}`);
  usable(c, candleProblem);
  return { kind: 'candle', ticker: c.ticker, ts: c.ts, intervalMs, close: c.close, volume: c.volume };
}
