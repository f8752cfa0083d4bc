import type { NewsClassified } from '../../schemas/records.ts';
import { classifiedLater } from '../signals/engine.ts';
import { newsInput, usableInput } from '../signals/to-input.ts';
import type { NewsInput } from '../signals/inputs.ts';
import type { Located } from './read-located.ts';

// Of an item's classifications in news.classified (a redrive, another model), the one the engine
// counts: the later by the engine's own order. One the engine cannot use never counts.

export function latestClassification(records: ReadonlyArray<Located<NewsClassified>>): Located<NewsClassified> | null {
  let best: { at: Located<NewsClassified>; input: NewsInput } | null = null;
  for (const at of records) {
    const input = usableInput(() => newsInput(at.record));
    if (input?.kind === 'news' && (!best || classifiedLater(input, best.input))) best = { at, input };
  }
  return best?.at ?? null;
}
