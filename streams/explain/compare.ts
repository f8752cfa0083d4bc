import type { Signal } from '../../schemas/records.ts';

// What differs between the stored signal and the one derived again, field by field: the
// action, the confidence and every field of the reason. Lists of news items (reason.news,
// reason.copies) are compared by event_uid, so one item more does not shift every later one.

export interface Difference {
  /** Path of the field: `confidence`, `reason.sentiment`, `reason.news[<event_uid>].score`. */
  field: string;
  /** Absent (undefined) where only the other signal has the field or item. */
  stored?: unknown;
  derived?: unknown;
}

type Tree = Record<string, unknown>;

const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);
const isItemList = (v: unknown): v is Array<Tree & { event_uid: string }> => Array.isArray(v) && v.every((i) => isTree(i) && typeof i.event_uid === 'string');

function diff(field: string, stored: unknown, derived: unknown, out: Difference[]): void {
  if (isItemList(stored) && isItemList(derived)) {
    const theirs = new Map(derived.map((i) => [i.event_uid, i]));
    const ours = new Set(stored.map((i) => i.event_uid));
    for (const i of stored) diff(`${field}[${i.event_uid}]`, i, theirs.get(i.event_uid), out);
    for (const i of derived) if (!ours.has(i.event_uid)) out.push({ field: `${field}[${i.event_uid}]`, derived: i });
  } else if (isTree(stored) && isTree(derived)) {
    for (const key of new Set([...Object.keys(stored), ...Object.keys(derived)])) diff(`${field}.${key}`, stored[key], derived[key], out);
  } else if (Array.isArray(stored) && Array.isArray(derived)) {
    for (let i = 0; i < Math.max(stored.length, derived.length); i++) diff(`${field}[${i}]`, stored[i], derived[i], out);
  } else if (JSON.stringify(stored) !== JSON.stringify(derived)) {
    out.push({ field, ...(stored === undefined ? {} : { stored }), ...(derived === undefined ? {} : { derived }) });
  }
}

export function signalDifferences(stored: Signal, derived: Signal): Difference[] {
  const out: Difference[] = [];
  for (const key of ['signal_id', 'ts', 'ticker', 'action', 'confidence'] as const) diff(key, stored[key], derived[key], out);
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };
  diff('reason', parse(stored.reason), parse(derived.reason), out);
  return out;
}

/** Same decision: same id (ticker, action, bar, news), confidence and reason, byte for byte. */
export function sameDecision(stored: Signal, derived: Signal): boolean {
  return stored.signal_id === derived.signal_id && stored.action === derived.action && stored.confidence === derived.confidence && stored.reason === derived.reason;
}
