import { BadRecordError } from '../core/errors.ts';
import type { Candle, NewsClassified, Signal } from './records.ts';

// What Avro cannot say about a record: the closed sets of its labels (strings, not enums,
// so the schemas can evolve), numbers that must be finite, and bars no market could have
// traded. A processor refuses such a record (to the DLQ) instead of letting one NaN or unknown
// label poison its state: a NaN score would silence a ticker's sentiment for the whole
// horizon, a zero price would fill a paper trade with infinitely many shares.

export const SENTIMENT_LABELS = ['positive', 'negative', 'neutral'] as const;
export const ACTIONS = ['BUY', 'SELL'] as const;
export const STATUSES = ['PENDING', 'EXECUTED', 'CANCELLED'] as const;

function notOneOf(field: string, value: string, allowed: readonly string[]): string | null {
  return allowed.includes(value) ? null : `${field} = ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`;
}

function notFinite(field: string, value: number | null): string | null {
  return value === null || Number.isFinite(value) ? null : `${field} = ${value} is not a finite number`;
}

/** Why a classified news item cannot be used, else null. */
export function classifiedProblem(n: NewsClassified): string | null {
  if (!(n.sentiment_score >= 0 && n.sentiment_score <= 1)) return `sentiment_score = ${n.sentiment_score} is not a probability`;
  return notOneOf('sentiment_label', n.sentiment_label, SENTIMENT_LABELS);
}

/**
 * Why a candle is not a bar a market could have traded, else null. With `interval`, a bar of
 * another interval is refused too: lane_telemetry's key is (ticker, ts), so a deployment
 * carries one interval (topics.candleInterval), and bars of two would overwrite each other.
 */
export function candleProblem(c: Candle, interval?: string): string | null {
  for (const f of ['open', 'high', 'low', 'close', 'adjclose', 'volume'] as const) {
    const problem = notFinite(f, c[f]);
    if (problem) return problem;
  }
  for (const f of ['open', 'high', 'low', 'close', 'adjclose'] as const) {
    const price = c[f];
    if (price !== null && !(price > 0)) return `${f} = ${price} is not a positive price`;
  }
  if (c.high < c.low) return `high ${c.high} is below low ${c.low}`;
  for (const f of ['open', 'close'] as const) {
    if (c[f] < c.low || c[f] > c.high) return `${f} ${c[f]} is outside the bar's range [low ${c.low}, high ${c.high}]`;
  }
  if (c.volume !== null && c.volume < 0) return `volume = ${c.volume} is negative`;
  if (interval !== undefined && c.interval !== interval) {
    return `a ${c.interval} bar, but this deployment's market.candles carries ${interval} bars (topics.candleInterval)`;
  }
  return null;
}

/** Why a signal cannot be used, else null. */
export function signalProblem(s: Signal): string | null {
  return notOneOf('action', s.action, ACTIONS) ?? notOneOf('status', s.status, STATUSES) ?? notFinite('confidence', s.confidence);
}

/** The record itself, or BadRecordError naming its problem. */
export function usable<T>(record: T, problemOf: (record: T) => string | null): T {
  const problem = problemOf(record);
  if (problem) throw new BadRecordError(problem);
  return record;
}
