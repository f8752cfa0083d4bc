import { createHash } from 'node:crypto';
import type { Signal } from '../../schemas/records.ts';
import type { BarEvidence } from './bar-evidence.ts';
import type { NewsInput } from './inputs.ts';
import type { SignalRules } from './config.ts';

// Rule `sentiment_momentum` on one bar's evidence (bar-evidence.ts): BUY when the decayed
// sentiment reaches buyThreshold, the price did not fall more than maxAdverseMovePct over the
// lookback and the bar's volume ratio is at least minVolumeRatio; SELL mirrored. Then the same
// action on that ticker rests for cooldownMinutes.

export const RULE = 'sentiment_momentum';

/**
 * The rules that only judge a bar's evidence and never shape it: rule sets that differ only in
 * these can judge one recorded engine run (a sweep's shared evidence).
 */
export const JUDGING_RULES = ['buyThreshold', 'sellThreshold', 'minNews', 'maxAdverseMovePct', 'minVolumeRatio', 'cooldownMinutes'] as const satisfies ReadonlyArray<keyof SignalRules>;

/** When each action last fired on a ticker (bar end, epoch ms): the cooldown's memory. */
export type LastActions = Map<'BUY' | 'SELL', number>;

function round(x: number, digits = 6): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** An item's score as a signal's reason writes it. */
export const reasonScore = (score: number) => round(score);

export function signalId(ticker: string, action: string, barEnd: number, eventUids: readonly string[]): string {
  return createHash('sha256').update([ticker, RULE, action, String(barEnd), ...[...eventUids].sort()].join('|')).digest('hex');
}

/**
 * Each news item as a signal's reason lists it, written once: an item is in the reason of every
 * bar of its horizon, and a sweep's rule sets judge the same bars again.
 */
const reasonItems = new WeakMap<NewsInput, string>();

function reasonItem(n: NewsInput): string {
  let text = reasonItems.get(n);
  if (text === undefined) {
    text = JSON.stringify({ event_uid: n.eventUid, label: n.label, score: reasonScore(n.score), event_time: new Date(n.eventTime).toISOString() });
    reasonItems.set(n, text);
  }
  return text;
}

/** Each judged bar's signal id per action: rule sets that judge the same bar make the same one. */
const idsOf = new WeakMap<BarEvidence, { BUY?: string; SELL?: string }>();

/** Each signal judged in this process, with the evidence and half-life its reason was written from. */
const judged = new WeakMap<Signal, { evidence: BarEvidence; halfLifeMinutes: number }>();

/** The evidence a signal was judged from in this process (what its reason says, unparsed), if it was. */
export function judgedEvidence(signal: Signal): { evidence: BarEvidence; halfLifeMinutes: number } | undefined {
  return judged.get(signal);
}

/** The reason's JSON, keys in this order: the rule's part, then the evidence's. */
function reasonText(e: BarEvidence, action: 'BUY' | 'SELL', threshold: number, halfLifeMinutes: number): string {
  const head = JSON.stringify({ rule: RULE, action, sentiment: round(e.sentiment), threshold, half_life_minutes: halfLifeMinutes });
  const tail = JSON.stringify({
    // Only when there are any: the reason of a signal without copies reads as it always did.
    ...(e.copies.length ? { copies: e.copies.map((c) => ({ event_uid: c.eventUid, copy_of: c.copyOf })) } : {}),
    bar: { ts: new Date(e.bar.ts).toISOString(), close: e.bar.close, volume: e.bar.volume },
    lookback_bars: e.lookbackBars,
    price_move_pct: round(e.movePct, 4),
    volume_ratio: e.volumeRatio === null ? null : round(e.volumeRatio, 4),
  });
  return `${head.slice(0, -1)},"news":[${e.news.map(reasonItem).join(',')}],${tail.slice(1)}`;
}

/** A signal without its reason: what trades and figures read (a sweep's rule sets need no more). */
export type Decision = Pick<Signal, 'signal_id' | 'ts' | 'ticker' | 'action' | 'confidence'>;

/** The decision the bar makes under the rules, if any; records a fired action in `lastAction`. */
export function decide(e: BarEvidence, rules: SignalRules, lastAction: LastActions): (Decision & { threshold: number }) | null {
  if (e.news.length < rules.minNews) return null;
  let action: 'BUY' | 'SELL' | null = null;
  let threshold = 0;
  if (e.sentiment >= rules.buyThreshold && e.movePct >= -rules.maxAdverseMovePct) {
    action = 'BUY';
    threshold = rules.buyThreshold;
  } else if (e.sentiment <= -rules.sellThreshold && e.movePct <= rules.maxAdverseMovePct) {
    action = 'SELL';
    threshold = rules.sellThreshold;
  }
  if (!action) return null;
  if (rules.minVolumeRatio > 0 && (e.volumeRatio === null || e.volumeRatio < rules.minVolumeRatio)) return null;
  const last = lastAction.get(action);
  if (last !== undefined && e.end - last < rules.cooldownMinutes * 60_000) return null;
  lastAction.set(action, e.end);

  const magnitude = Math.abs(e.sentiment);
  let ids = idsOf.get(e);
  if (!ids) idsOf.set(e, (ids = {}));
  return {
    signal_id: (ids[action] ??= signalId(e.ticker, action, e.end, e.news.map((n) => n.eventUid))),
    ts: e.end,
    ticker: e.ticker,
    action,
    confidence: round(Math.min(0.99, magnitude / (magnitude + threshold)), 4),
    threshold,
  };
}

/** The signal the bar makes under the rules, if any; records a fired action in `lastAction`. */
export function judge(e: BarEvidence, rules: SignalRules, lastAction: LastActions): Signal | null {
  const d = decide(e, rules, lastAction);
  if (!d) return null;
  const signal: Signal = {
    signal_id: d.signal_id,
    ts: d.ts,
    ticker: d.ticker,
    action: d.action,
    confidence: d.confidence,
    reason: reasonText(e, d.action, d.threshold, rules.halfLifeMinutes),
    status: 'PENDING',
    executed_at: null,
    filled_price: null,
    shares: null,
  };
  judged.set(signal, { evidence: e, halfLifeMinutes: rules.halfLifeMinutes });
  return signal;
}
