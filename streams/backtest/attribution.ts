import type { Signal } from '../../schemas/records.ts';
import type { BarEvidence } from '../signals/bar-evidence.ts';
import { signedScore } from '../signals/inputs.ts';
import { judgedEvidence, reasonScore } from '../signals/judge.ts';

// Which news item a signal is put down to, for the breakdowns by event type and urgency: the
// item of its reason with the largest absolute weight in the sentiment that made it — signed
// score × 2^(−age at the signal / half-life), as the engine summed it. A tie goes to the item
// listed first (the earlier event time, then event_uid). The item's event_type and urgency are
// those of its news.classified record (of two classifications, the later stands, as in the engine).

/** Shown for a signal whose item has no event_type (or urgency), or no news at all. */
export const NO_TAG = '(none)';
/** Shown for an item the read did not find in news.classified (cannot happen for a replay's own signals). */
export const UNKNOWN_TAG = '(unknown)';

export interface NewsTags {
  eventType: string | null;
  urgency: string | null;
}

export interface Attribution {
  eventUid: string | null;
  eventType: string;
  urgency: string;
}

interface ReasonNews {
  event_uid: string;
  label: string;
  score: number;
  event_time: string;
}

/** The event_uid of the item weighing most in the signal's sentiment; null if its reason lists none. */
export function attributedItem(signal: Signal): string | null {
  // A signal judged in this process (a backtest's, a sweep's) is attributed from its evidence,
  // once per bar and half-life: a sweep's rule sets judge the same bars, and parsing every
  // signal's reason again was a tenth of a sweep's time.
  const judged = judgedEvidence(signal);
  if (judged) return heaviestOfEvidence(judged.evidence, judged.halfLifeMinutes);
  let reason: { half_life_minutes?: number; news?: ReasonNews[] };
  try {
    reason = JSON.parse(signal.reason) as typeof reason;
  } catch {
    return null;
  }
  return heaviest((reason.news ?? []).map((n) => ({ uid: n.event_uid, label: n.label, score: n.score, eventTime: Date.parse(n.event_time) })), signal.ts, reason.half_life_minutes ?? Number.NaN);
}

function heaviest(news: ReadonlyArray<{ uid: string; label: string; score: number; eventTime: number }>, at: number, halfLifeMinutes: number): string | null {
  const halfLifeMs = halfLifeMinutes * 60_000;
  let best: { uid: string; weight: number } | null = null;
  for (const n of news) {
    const weight = Math.abs(signedScore(n.label, n.score) * 2 ** (-(at - n.eventTime) / halfLifeMs));
    if (!best || weight > best.weight) best = { uid: n.uid, weight };
  }
  return best?.uid ?? null;
}

const ofEvidence = new WeakMap<BarEvidence, Map<number, string | null>>();

/** As `heaviest` of the reason judge.ts writes from this evidence: the same scores, times and bar end. */
function heaviestOfEvidence(e: BarEvidence, halfLifeMinutes: number): string | null {
  let byHalfLife = ofEvidence.get(e);
  if (!byHalfLife) ofEvidence.set(e, (byHalfLife = new Map()));
  let uid = byHalfLife.get(halfLifeMinutes);
  if (uid === undefined) {
    uid = heaviest(e.news.map((n) => ({ uid: n.eventUid, label: n.label, score: reasonScore(n.score), eventTime: n.eventTime })), e.end, halfLifeMinutes);
    byHalfLife.set(halfLifeMinutes, uid);
  }
  return uid;
}

export function attribute(signal: Signal, tags: ReadonlyMap<string, NewsTags>): Attribution {
  const eventUid = attributedItem(signal);
  if (eventUid === null) return { eventUid, eventType: NO_TAG, urgency: NO_TAG };
  const t = tags.get(eventUid);
  if (!t) return { eventUid, eventType: UNKNOWN_TAG, urgency: UNKNOWN_TAG };
  return { eventUid, eventType: t.eventType ?? NO_TAG, urgency: t.urgency ?? NO_TAG };
}
