import { featureDigest, SIMHASH_BITS, simhash, simhashOfDigests } from './simhash.ts';
import { MAX_TITLE_CHARS, titleWords } from './title-words.ts';

// A news item's story key: the SimHash of its normalised headline's word shingles (each word,
// and each pair of adjacent words, so word order counts a little). A pure function of the
// title: every instance and partition computes the same key for the same headline, so copies of
// a wire story that land on different news.raw partitions carry equal or near keys.

/** What news.classified's story_key looks like: 64 lower-case hex digits. */
export const STORY_KEY_PATTERN = new RegExp(`^[0-9a-f]{${SIMHASH_BITS / 4}}$`);

/** Each pair of adjacent words, as one feature. */
function wordPairs(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < words.length; i++) out.push(`${words[i - 1]} ${words[i]}`);
  return out;
}

/** Word shingles of size 1 and 2. */
export function shingles(words: readonly string[]): string[] {
  return [...words, ...wordPairs(words)];
}

/**
 * Digests of recent words. Headlines share a small vocabulary, so most words were hashed before
 * (a word pair far less often, so pairs are hashed each time). Emptied when full: bounded memory.
 */
const WORDS_KEPT = 20_000;
const wordDigests = new Map<string, Uint8Array>();

function wordDigest(word: string): Uint8Array {
  let d = wordDigests.get(word);
  if (d === undefined) {
    if (wordDigests.size >= WORDS_KEPT) wordDigests.clear();
    wordDigests.set(word, (d = featureDigest(word)));
  }
  return d;
}

export function storyKey(title: string): string {
  const words = titleWords(title);
  // A headline of filler words only ("The", "—") keeps its own text as its one feature: an
  // empty feature set would give every such headline the same key.
  if (!words.length) return simhash([title.slice(0, MAX_TITLE_CHARS).trim().toLowerCase()]);
  // The shingles' digests, in their order: each word, then each adjacent pair.
  return simhashOfDigests([...words.map(wordDigest), ...wordPairs(words).map(featureDigest)]);
}
