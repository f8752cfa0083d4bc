import type { Signal } from '../../schemas/records.ts';
import type { StoryRule } from '../story/same-story.ts';
import type { BarEvidence } from './bar-evidence.ts';
import type { SignalRules } from './config.ts';
import { eventTimeOf, signedScore, type CandleInput, type EngineInput, type NewsInput } from './inputs.ts';
import { judge, type LastActions } from './judge.ts';
import { markCopies } from './story-copies.ts';
import { Watermark } from './watermark.ts';

// The signal engine: per ticker, news sentiment decayed in event time joined with the
// ticker's bars. A bar is decided when the watermark passes its end, from the inputs with
// event times up to that end — so the decision does not depend on arrival order, only on
// the inputs, and a replay gives the same signals byte for byte. No wall clock is read.
//
// At the end of a bar, s = Σ signed score × 2^(−age / half-life) over the ticker's news within
// the horizon (summed in (event time, event_uid) order), with the price move and volume ratio
// over the lookback: the bar's evidence (bar-evidence.ts), which the rule judges (judge.ts).
//
// A story counts once per ticker: an item whose headline is a copy of an earlier item's (story
// keys within storyMaxDistance bits, published within storyWindowMinutes of it; story-copies.ts)
// adds nothing — the earliest copy counts, with its own label, score and time. The news of a
// ticker is kept storyWindowMinutes beyond the horizon for that: an item just inside the horizon
// must still see the copies before it. The signal's reason lists the copies left out.

/** What turns a bar's evidence into a signal: the rule, or a sweep's recorder of evidence. */
export type Judge = (e: BarEvidence, lastAction: LastActions) => Signal | null;

const TICKER_KEY = 'ticker:';
const WATERMARK_KEY = 'watermark';

interface TickerSnapshot {
  news: NewsInput[];
  /** Absent in state written before story dedupe. */
  copyOf?: Array<[string, string | null]>;
  bars: CandleInput[];
  history: CandleInput[];
  lastAction: Array<['BUY' | 'SELL', number]>;
}

export interface EngineStats {
  accepted: number;
  late: number;
  /** Second classifications of an item a ticker counts (a redrive, another model): the later stands. */
  duplicateNews: number;
  /** Items a ticker does not count: copies of a story an earlier item told (another feed's). */
  storyCopies: number;
  /** Later records of an undecided bar (a revised bar): the latest stands. */
  revisedBars: number;
  decidedBars: number;
  signals: number;
}

interface TickerState {
  /** In byEventTime order: a bar's horizon and what a copy check reads are then ranges of it. */
  news: NewsInput[];
  /** `news` by event_uid: each item counts once per ticker, with its latest classification. */
  newsById: Map<string, NewsInput>;
  /** Of each item marked so far (story-copies.ts): the earlier item it copies, or null (it counts). */
  copyOf: Map<string, string | null>;
  bars: CandleInput[];
  /** Closed bars kept for the lookback, oldest first. */
  history: CandleInput[];
  lastAction: LastActions;
}

/** Forgets the ticker's news with event times up to `t` (a duplicate of one is late by then); whether any was. */
function forgetNewsUpTo(s: TickerState, t: number): boolean {
  const k = firstAfter(s.news, t);
  if (k === 0) return false;
  for (const n of s.news.splice(0, k)) {
    s.newsById.delete(n.eventUid);
    s.copyOf.delete(n.eventUid);
  }
  return true;
}

/** The order news is summed and compared in: event time, then event_uid. */
function byEventTime(a: NewsInput, b: NewsInput): number {
  return a.eventTime - b.eventTime || (a.eventUid < b.eventUid ? -1 : a.eventUid > b.eventUid ? 1 : 0);
}

/** The index of the first item of `sorted` (by event time) with an event time after `t`. */
function firstAfter(sorted: readonly NewsInput[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.eventTime <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Puts an item into a ticker's news, kept in byEventTime order: items mostly arrive in it, so this appends. */
function insertInOrder(news: NewsInput[], n: NewsInput): void {
  let i = news.length;
  while (i > 0 && byEventTime(news[i - 1]!, n) > 0) i--;
  news.splice(i, 0, n);
}

/** A total order of two classifications of one item: the later classified_at, then model version, label, score. */
export function classifiedLater(a: NewsInput, b: NewsInput): boolean {
  if (a.classifiedAt !== b.classifiedAt) return a.classifiedAt > b.classifiedAt;
  if (a.modelVersion !== b.modelVersion) return a.modelVersion > b.modelVersion;
  if (a.label !== b.label) return a.label > b.label;
  return a.score > b.score;
}

export class SignalEngine {
  private readonly watermark: Watermark;
  private readonly tickers = new Map<string, TickerState>();
  /** Earliest end among undecided bars: no work until the watermark reaches it. */
  private nextDue = Number.POSITIVE_INFINITY;
  /** Tickers whose state changed since `takeDirty`, and whether the watermark moved. */
  private readonly dirty = new Set<string>();
  private watermarkMoved = false;
  readonly stats: EngineStats = { accepted: 0, late: 0, duplicateNews: 0, storyCopies: 0, revisedBars: 0, decidedBars: 0, signals: 0 };
  private readonly story: StoryRule;
  /** How long a ticker keeps an item: the horizon, and the story window before it. */
  private readonly keepMs: number;

  private readonly judge: Judge;

  constructor(
    private readonly rules: SignalRules,
    judgeBar?: Judge,
  ) {
    this.judge = judgeBar ?? ((e, lastAction) => judge(e, rules, lastAction));
    this.watermark = new Watermark(rules.allowedLatenessSeconds * 1000);
    this.story = { maxDistance: rules.storyMaxDistance, windowMs: rules.storyWindowMinutes * 60_000 };
    this.keepMs = this.horizonMs + this.story.windowMs;
  }

  private get horizonMs(): number {
    return this.rules.halfLifeMinutes * 60_000 * this.rules.horizonHalfLives;
  }

  private state(ticker: string): TickerState {
    let s = this.tickers.get(ticker);
    if (!s) {
      s = { news: [], newsById: new Map(), copyOf: new Map(), bars: [], history: [], lastAction: new Map() };
      this.tickers.set(ticker, s);
    }
    return s;
  }

  get watermarkValue(): number {
    return this.watermark.value;
  }

  // ---- the engine's state as a task's changelog keeps it: one entry per ticker, and the watermark ----

  /** Keys of the state that changed since the last call. */
  takeDirty(): string[] {
    const keys = [...this.dirty].map((t) => `${TICKER_KEY}${t}`);
    if (this.watermarkMoved) keys.push(WATERMARK_KEY);
    this.dirty.clear();
    this.watermarkMoved = false;
    return keys;
  }

  /** A key's state (null: nothing left to keep). */
  snapshot(key: string): unknown {
    if (key === WATERMARK_KEY) return Number.isFinite(this.watermark.value) ? this.watermark.value : null;
    const s = this.tickers.get(key.slice(TICKER_KEY.length));
    if (!s || (!s.news.length && !s.bars.length && !s.history.length && !s.lastAction.size)) return null;
    return { news: s.news, copyOf: [...s.copyOf], bars: s.bars, history: s.history, lastAction: [...s.lastAction] } satisfies TickerSnapshot;
  }

  restore(entries: ReadonlyMap<string, unknown>): void {
    for (const [key, value] of entries) {
      if (key === WATERMARK_KEY) this.watermark.restore(value as number);
      else if (key.startsWith(TICKER_KEY)) {
        const v = value as TickerSnapshot;
        const s = this.state(key.slice(TICKER_KEY.length));
        // Kept in event-time order (a changelog written before may hold them in arrival order).
        s.news = v.news.map((n) => ({ ...n, storyKey: n.storyKey ?? null })).sort(byEventTime);
        s.newsById = new Map(s.news.map((n) => [n.eventUid, n]));
        s.copyOf = new Map(v.copyOf ?? []);
        s.bars = v.bars;
        s.history = v.history;
        s.lastAction = new Map(v.lastAction);
        for (const b of s.bars) this.nextDue = Math.min(this.nextDue, b.ts + b.intervalMs);
      }
    }
  }

  /**
   * Takes one input; returns the signals it made final. An input whose event time is not
   * after the watermark is too late (its bar may already be decided) and is refused: the
   * caller counts it and sends it to the DLQ.
   */
  push(input: EngineInput): { signals: Signal[]; late: boolean } {
    const t = eventTimeOf(input);
    if (t <= this.watermark.value) {
      this.stats.late++;
      return { signals: [], late: true };
    }
    this.stats.accepted++;
    if (input.kind === 'news') {
      // An item counts once per ticker: a second classification (a redrive from a DLQ, another
      // model, a producer outside a transaction) replaces the first if it is the later one, by
      // the records' own classified_at, so which arrived first within the lateness never matters.
      for (const ticker of new Set(input.tickers)) {
        const s = this.state(ticker);
        const known = s.newsById.get(input.eventUid);
        if (known) {
          this.stats.duplicateNews++;
          if (classifiedLater(input, known)) {
            s.news.splice(s.news.indexOf(known), 1);
            insertInOrder(s.news, input);
            s.newsById.set(input.eventUid, input);
            this.dirty.add(ticker);
          }
        } else {
          insertInOrder(s.news, input);
          s.newsById.set(input.eventUid, input);
          this.dirty.add(ticker);
        }
      }
    } else {
      // A revised bar before its decision replaces the first (the sink keeps the latest too).
      const bars = this.state(input.ticker).bars;
      const same = bars.findIndex((b) => b.ts === input.ts);
      if (same >= 0) {
        bars[same] = input;
        this.stats.revisedBars++;
      } else bars.push(input);
      this.dirty.add(input.ticker);
      this.nextDue = Math.min(this.nextDue, input.ts + input.intervalMs);
    }
    const before = this.watermark.value;
    const wm = this.watermark.observe(input.kind, t);
    if (wm !== before) this.watermarkMoved = true;
    return { signals: this.decideUpTo(wm), late: false };
  }

  /** End of input: decide every bar still open. */
  flush(): Signal[] {
    return this.decideUpTo(this.watermark.close());
  }

  private decideUpTo(wm: number): Signal[] {
    if (wm < this.nextDue) return [];
    // Bars due, across tickers, in (bar end, ticker) order: deterministic output order.
    const due: Array<{ end: number; ticker: string; bar: CandleInput }> = [];
    let nextDue = Number.POSITIVE_INFINITY;
    for (const [ticker, s] of this.tickers) {
      if (!s.bars.length) continue;
      const open: CandleInput[] = [];
      for (const bar of s.bars) {
        const end = bar.ts + bar.intervalMs;
        if (end <= wm) due.push({ end, ticker, bar });
        else {
          open.push(bar);
          if (end < nextDue) nextDue = end;
        }
      }
      if (open.length !== s.bars.length) this.dirty.add(ticker);
      s.bars = open;
    }
    this.nextDue = nextDue;
    due.sort((a, b) => a.end - b.end || (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : a.bar.ts - b.bar.ts));
    const out: Signal[] = [];
    for (const d of due) {
      const signal = this.decide(d.ticker, d.bar);
      if (signal) out.push(signal);
    }
    // Only now, with the due bars decided: news that no open bar (they all end after the
    // watermark) can reach, even as the copy before an item it reaches, is forgotten. Pruning
    // earlier would depend on how far the watermark jumped, i.e. on arrival order.
    if (Number.isFinite(wm)) {
      for (const [ticker, s] of this.tickers) if (forgetNewsUpTo(s, wm - this.keepMs)) this.dirty.add(ticker);
    }
    return out;
  }

  private decide(ticker: string, bar: CandleInput): Signal | null {
    const s = this.state(ticker);
    this.stats.decidedBars++;
    const signal = this.judge(this.evidence(s, ticker, bar), s.lastAction);
    if (signal) this.stats.signals++;
    return signal;
  }

  /** The bar's evidence (bar-evidence.ts); moves the bar into the ticker's lookback history. */
  private evidence(s: TickerState, ticker: string, bar: CandleInput): BarEvidence {
    const end = bar.ts + bar.intervalMs;
    const halfLifeMs = this.rules.halfLifeMinutes * 60_000;
    const since = end - this.horizonMs;
    // Forget news that neither this (nor so any later) bar nor a copy check of its news needs.
    forgetNewsUpTo(s, end - this.keepMs);
    // The horizon is s.news[from, upToEnd): indices, not a slice, as this runs for every bar.
    const upToEnd = firstAfter(s.news, end);
    const from = firstAfter(s.news, since);
    // Only items that came since the ticker's last decision are unmarked: most bars skip this.
    let unmarked = false;
    for (let i = from; i < upToEnd && !unmarked; i++) unmarked = !s.copyOf.has(s.news[i]!.eventUid);
    if (unmarked) this.stats.storyCopies += markCopies(s.news, upToEnd, since, s.copyOf, this.story);
    const news: NewsInput[] = [];
    const copies: Array<{ eventUid: string; copyOf: string }> = [];
    let sentiment = 0;
    for (let i = from; i < upToEnd; i++) {
      const n = s.news[i]!;
      const copyOf = s.copyOf.get(n.eventUid);
      if (copyOf === null) {
        news.push(n);
        sentiment += signedScore(n.label, n.score) * 2 ** (-(end - n.eventTime) / halfLifeMs);
      } else if (copyOf !== undefined) copies.push({ eventUid: n.eventUid, copyOf });
    }

    // The lookback is the last lookbackBars bars of the history before this one.
    const h = s.history;
    const lookbackStart = Math.max(0, h.length - this.rules.lookbackBars);
    const lookbackBars = h.length - lookbackStart;
    const first = lookbackBars ? h[lookbackStart] : undefined;
    const movePct = first ? ((bar.close - first.close) / first.close) * 100 : 0;
    let volumeSum = 0;
    let volumeCount = 0;
    for (let i = lookbackStart; i < h.length; i++) {
      const volume = h[i]!.volume;
      if (volume === null) continue;
      volumeSum += volume;
      volumeCount++;
    }
    h.push(bar);
    if (h.length > this.rules.lookbackBars + 1) h.shift();
    const meanVolume = volumeCount ? volumeSum / volumeCount : null;
    const volumeRatio = meanVolume && bar.volume !== null ? bar.volume / meanVolume : null;
    return { ticker, bar, end, sentiment, news, copies, lookbackBars, movePct, volumeRatio };
  }
}
