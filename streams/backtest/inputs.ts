import type { Candle, NewsClassified } from '../../schemas/records.ts';
import { INTERVAL_MS, type Interval } from '../../schemas/intervals.ts';
import type { SignalRules } from '../signals/config.ts';
import { eventTimeOf, type EngineInput } from '../signals/inputs.ts';
import { candleInput, newsInput, usableInput } from '../signals/to-input.ts';
import type { NewsTags } from './attribution.ts';
import { holdMinutesOf, type ScoringSettings } from './config.ts';
import { barsByTicker, type BarsByTicker } from './price-bars.ts';

// A backtest's inputs, decoded and put in order once: the engine's inputs in the order it takes
// them, the bars per ticker, the time axis, the news items' tags. Many rule sets can then be run
// over one read (run-rules.ts) without decoding or sorting again.

/** A long weekend: on daily bars a fill, or the bar a position exits on, can come days after the signal. */
const SLACK_MS = 4 * 86_400_000;

export interface KeptInput {
  input: EngineInput;
  /** The time a read window keeps the record by: a news item's event_time, a bar's start. */
  keptBy: number;
}

export interface BacktestInputs {
  from: number;
  to: number;
  /** How far before `from` the read went (news and bars). */
  warmupMs: number;
  /** Bars were read up to this start. */
  untilMs: number;
  intervalMs: number;
  /** News up to `to` and bars ending by `to`, in the engine's order: event time, a bar before news at one time. */
  engineInputs: readonly KeptInput[];
  /** Every usable bar of the deployment's interval that was read, per ticker. */
  bars: BarsByTicker;
  /** The end of every bar in `bars`, sorted, distinct: where the portfolio is marked. */
  barEnds: readonly number[];
  /** Each news item's event type and urgency, by event_uid. */
  newsTags: ReadonlyMap<string, NewsTags>;
  /** Records read. */
  read: { news: number; candles: number };
  /** The classified news read, as decoded (a model swap compares two replays' labels). */
  news: readonly NewsClassified[];
}

/**
 * How much news and how many bars before the range a rule set needs: news older than the
 * engine's horizon cannot influence a bar in range, but as the earlier copy of a story it can
 * keep a later copy from counting, so a story window more.
 */
export function warmupMsOf(rules: SignalRules): number {
  return (rules.halfLifeMinutes * rules.horizonHalfLives + rules.storyWindowMinutes) * 60_000;
}

/** How far after the range bars are needed: to the last horizon, or the last exit of a trade, and some slack for gaps. */
export function readUntilOf(to: number, s: ScoringSettings): number {
  const longest = Math.max(...s.horizonsMinutes, s.trading.fillDelayMinutes + holdMinutesOf(s));
  return to + longest * 60_000 + SLACK_MS;
}

/** Of two classifications of one item the later stands, as in the signal engine. */
function later(a: NewsClassified, b: NewsClassified): boolean {
  return a.classified_at !== b.classified_at ? a.classified_at > b.classified_at : a.model_version > b.model_version;
}

/** The decoded records of a read (in topic order) as a backtest's inputs. */
export function prepareInputs(o: { news: readonly NewsClassified[]; candles: readonly Candle[]; from: number; to: number; warmupMs: number; untilMs: number; candleInterval: Interval }): BacktestInputs {
  const intervalMs = INTERVAL_MS[o.candleInterval];
  const engineInputs: KeptInput[] = [];
  const tagged = new Map<string, NewsClassified>();
  for (const n of o.news) {
    const input = usableInput(() => newsInput(n));
    if (!input) continue;
    engineInputs.push({ input, keptBy: n.event_time });
    const known = tagged.get(n.event_uid);
    if (!known || later(n, known)) tagged.set(n.event_uid, n);
  }
  const usableCandles: Candle[] = [];
  for (const c of o.candles) {
    const input = usableInput(() => candleInput(c, o.candleInterval));
    if (!input) continue;
    usableCandles.push(c);
    if (input.kind === 'candle' && input.ts + input.intervalMs <= o.to) engineInputs.push({ input, keptBy: c.ts });
  }
  engineInputs.sort((a, b) => eventTimeOf(a.input) - eventTimeOf(b.input) || (a.input.kind === b.input.kind ? 0 : a.input.kind === 'candle' ? -1 : 1));
  const bars = barsByTicker(usableCandles, intervalMs);
  return {
    from: o.from,
    to: o.to,
    warmupMs: o.warmupMs,
    untilMs: o.untilMs,
    intervalMs,
    engineInputs,
    bars,
    barEnds: [...new Set([...bars.values()].flatMap((list) => list.map((b) => b.end)))].sort((a, b) => a - b),
    newsTags: new Map([...tagged].map(([uid, n]) => [uid, { eventType: n.event_type, urgency: n.urgency }])),
    read: { news: o.news.length, candles: o.candles.length },
    news: o.news,
  };
}
