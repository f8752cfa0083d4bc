import { hammingDistance } from './simhash.ts';

// When two news items are copies of one story: their story keys differ in few bits, and they
// were published close together. The window keeps a recurring headline ("Stocks open higher")
// of another day from being taken for today's.

/**
 * Defaults, measured on the headlines of samples/rss, samples/news and fixtures/ (story-key.test.ts,
 * feed-copies.test.ts): outlet restyling (case, quotes, desk prefixes, outlet suffixes, "percent"
 * for "%") gives distance 0; a word added or swapped in a headline of 8 words or more gives some
 * 20 to 45 of 256 bits; two stories that share most words ("rise" for "fall", another month's
 * figures) 65 and up; the closest pair of unrelated real headlines 53. About a fifth of the bits
 * (a cosine similarity of the shingles near 0.8) sits between the two.
 */
export const DEFAULT_MAX_DISTANCE = 52;
/** A wire story is republished within minutes to a few hours; a recurring headline comes back the next day. */
export const DEFAULT_WINDOW_MINUTES = 240;

export interface StoryRule {
  /** Most bits in which the keys of two copies differ. */
  maxDistance: number;
  /** Most event time between two copies, ms; 0 takes no two items for one story. */
  windowMs: number;
}

export interface StoryItem {
  /** Null: an item without a key (from state written before keys existed) is a story of its own. */
  storyKey: string | null;
  eventTime: number;
}

export function sameStory(a: StoryItem, b: StoryItem, rule: StoryRule): boolean {
  if (rule.windowMs <= 0 || a.storyKey === null || b.storyKey === null) return false;
  return Math.abs(a.eventTime - b.eventTime) <= rule.windowMs && hammingDistance(a.storyKey, b.storyKey) <= rule.maxDistance;
}
