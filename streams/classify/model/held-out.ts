import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The held-out split a model folder ships (`held-out.tsv`: label, annotator agreement, sentence),
// which training never sees: what its tests, the bench and the evaluation scripts score.

export interface HeldOutSentence {
  label: string;
  agreement: number;
  sentence: string;
}

export function readHeldOut(modelDir: string): HeldOutSentence[] {
  return readFileSync(join(modelDir, 'held-out.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => {
      const [label, agreement, sentence] = l.split('\t');
      return { label: label!, agreement: Number(agreement), sentence: sentence! };
    });
}
