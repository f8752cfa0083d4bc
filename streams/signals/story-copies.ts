import { sameStory, type StoryRule } from '../story/same-story.ts';
import type { NewsInput } from './inputs.ts';

// Which of a ticker's news items are copies of a story told before: the same wire item from
// another feed, or the same feed again. A copy is an item with an earlier item of the same story
// (same-story.ts) within the window before it, in (event time, event_uid) order; it does not
// count, so a story counts once, as its earliest copy. Copies chain: a headline that keeps
// circulating, each copy within the window of the one before, stays one story.
//
// Whether an item is a copy depends only on the items in the window before it. The engine marks
// an item once, when it decides the first bar the item reaches: every item up to that bar's end
// has arrived by then (a later one would be late), so the mark never changes and does not
// depend on arrival order.

/**
 * Marks, in `copyOf`, each of the first `count` items of `sorted` (in (event time, event_uid)
 * order) with an event time after `after` that is not marked yet: the event_uid of the earliest
 * earlier item of the same story, or null when it is the first of its story. Returns how many
 * copies it marked.
 */
export function markCopies(sorted: readonly NewsInput[], count: number, after: number, copyOf: Map<string, string | null>, rule: StoryRule): number {
  let copies = 0;
  let windowStart = 0;
  for (let i = 0; i < count; i++) {
    const item = sorted[i]!;
    while (item.eventTime - sorted[windowStart]!.eventTime > rule.windowMs) windowStart++;
    if (item.eventTime <= after || copyOf.has(item.eventUid)) continue;
    let first: string | null = null;
    for (let j = windowStart; j < i && first === null; j++) if (sameStory(sorted[j]!, item, rule)) first = sorted[j]!.eventUid;
    copyOf.set(item.eventUid, first);
    if (first !== null) copies++;
  }
  return copies;
}
