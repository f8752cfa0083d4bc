import type { NewsClassified } from '../../../schemas/records.ts';

// The news items the candidate model labels otherwise than the live classification, matched by
// event_uid. A score that moved under the same label is counted apart: it changes how much an
// item weighs in its ticker's sentiment, not which way.

export interface Sentiment {
  label: string;
  score: number;
}

export interface LabelChange {
  eventUid: string;
  eventTime: number;
  title: string;
  live: Sentiment;
  candidate: Sentiment;
}

export interface LabelComparison {
  /** Items classified on both sides. */
  compared: number;
  /** Those with another label, in event-time order. */
  changed: LabelChange[];
  /** Those with the same label and another score. */
  rescored: number;
  /** Largest score change among the rescored, 0 when none. */
  largestScoreShift: number;
  /** Items only the live (or only the candidate) classification has. */
  onlyLive: number;
  onlyCandidate: number;
}

const byUid = (items: readonly NewsClassified[]) => new Map(items.map((n) => [n.event_uid, n]));

export function compareLabels(live: readonly NewsClassified[], candidate: readonly NewsClassified[]): LabelComparison {
  const a = byUid(live);
  const b = byUid(candidate);
  const changed: LabelChange[] = [];
  let compared = 0;
  let rescored = 0;
  let largestScoreShift = 0;
  for (const [uid, l] of a) {
    const c = b.get(uid);
    if (!c) continue;
    compared++;
    if (l.sentiment_label !== c.sentiment_label) {
      changed.push({ eventUid: uid, eventTime: l.event_time, title: l.title, live: { label: l.sentiment_label, score: l.sentiment_score }, candidate: { label: c.sentiment_label, score: c.sentiment_score } });
    } else if (l.sentiment_score !== c.sentiment_score) {
      rescored++;
      largestScoreShift = Math.max(largestScoreShift, Math.abs(c.sentiment_score - l.sentiment_score));
    }
  }
  changed.sort((x, y) => x.eventTime - y.eventTime || (x.eventUid < y.eventUid ? -1 : x.eventUid > y.eventUid ? 1 : 0));
  return { compared, changed, rescored, largestScoreShift, onlyLive: a.size - compared, onlyCandidate: [...b.keys()].filter((uid) => !a.has(uid)).length };
}
