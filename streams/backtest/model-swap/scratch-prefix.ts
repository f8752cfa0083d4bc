import { createHash } from 'node:crypto';

// The topic prefix a model swap classifies into: the live prefix, then `scratch-` and eight hex
// digits of a hash of everything the scratch topics' content follows from — the model folder's
// content, the news.raw range and the records in it, and the symbols ticker extraction adds.
// The same model over the same records lands in the same topics (a second run reuses them);
// news.raw grown inside the range, another model or other symbols get topics of their own, so
// the scratch topics never hold a classification that is not this one's.

export interface ScratchInputs {
  /** modelFolderHash of the candidate folder. */
  modelHash: string;
  /** The news.raw range, event time (epoch ms), both ends included. */
  from: number;
  to: number;
  /** A digest of the range's records (news-raw-range.ts). */
  rangeDigest: string;
  /** classify.symbols: company names that decide the tickers beside the shipped directory. */
  symbols: unknown;
}

export function scratchPrefix(livePrefix: string, s: ScratchInputs): string {
  const hash = createHash('sha256').update(JSON.stringify([s.modelHash, s.from, s.to, s.rangeDigest, s.symbols])).digest('hex');
  return `${livePrefix}scratch-${hash.slice(0, 8)}.`;
}
