import type { Candle, NewsClassified } from '../../schemas/records.ts';
import { INTERVAL_MS, type Interval } from '../../schemas/intervals.ts';
import { BadRecordError } from '../../core/errors.ts';
import { newsEventTime } from '../../schemas/news-event-time.ts';
import { candleProblem, classifiedProblem, usable } from '../../schemas/record-checks.ts';
import type { CandleInput, EngineInput, NewsInput } from './inputs.ts';

/**
 * A decoded topic record as the engine's input; one the engine cannot use throws BadRecordError.
 * Its event time is never after its fetch (another producer's far-future date would otherwise
 * move the watermark ahead of every other input).
 */
export function newsInput(n: NewsClassified): NewsInput {
  usable(n, classifiedProblem);
  return { kind: 'news', eventUid: n.event_uid, tickers: n.tickers, label: n.sentiment_label, score: n.sentiment_score, eventTime: newsEventTime(n.event_time, n.fetched_at), classifiedAt: n.classified_at, modelVersion: n.model_version };
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

/** A bar as the engine's input: one of the deployment's interval that a market could have traded. */
export function candleInput(c: Candle, interval: Interval): CandleInput {
  const intervalMs = INTERVAL_MS[c.interval as Interval];
  if (!intervalMs) throw new BadRecordError(`candle with an unknown interval ${JSON.stringify(c.interval)}`);
  usable(c, (candle) => candleProblem(candle, interval));
  return { kind: 'candle', ticker: c.ticker, ts: c.ts, intervalMs, close: c.close, volume: c.volume };
}
