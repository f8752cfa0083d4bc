import type { Candle, NewsClassified } from '../../schemas/records.ts';
import { INTERVAL_MS, type Interval } from '../../schemas/intervals.ts';
import { BadRecordError } from '../../core/errors.ts';
import { newsEventTime } from '../../schemas/news-event-time.ts';
import { candleProblem, classifiedProblem, usable } from '../../schemas/record-checks.ts';
import { STORY_KEY_PATTERN, storyKey } from '../story/story-key.ts';
import type { CandleInput, EngineInput, NewsInput } from './inputs.ts';

/** The item's story key; a record written before story_key existed gets the one its title has. */
function storyKeyOf(n: NewsClassified): string {
  if (n.story_key === null || n.story_key === undefined) return storyKey(n.title);
  // Another producer's key of another kind would be compared bit by bit with ours: refuse it.
  if (!STORY_KEY_PATTERN.test(n.story_key)) throw new BadRecordError(`story_key = ${JSON.stringify(n.story_key.slice(0, 80))} is not 64 lower-case hex digits`);
  return n.story_key;
}

/**
 * A decoded topic record as the engine's input; one the engine cannot use throws BadRecordError.
 * Its event time is never after its fetch (another producer's far-future date would otherwise
 * move the watermark ahead of every other input).
 */
export function newsInput(n: NewsClassified): NewsInput {
  usable(n, classifiedProblem);
  return {
    kind: 'news',
    eventUid: n.event_uid,
    tickers: n.tickers,
    label: n.sentiment_label,
    score: n.sentiment_score,
    eventTime: newsEventTime(n.event_time, n.fetched_at),
    classifiedAt: n.classified_at,
    modelVersion: n.model_version,
    storyKey: storyKeyOf(n),
  };
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
