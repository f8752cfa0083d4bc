import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as synthetic from '../../cli/synthetic-data.ts';

// The soak test's inputs: `load-sample --synthetic`'s generator (cli/synthetic-data.ts) on
// 5-minute bars, its headlines made of real Financial PhraseBank sentences.

/** The deployment's interval (topics.candleInterval's default). */
export const BAR_INTERVAL = '5m';
const PHRASEBANK = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'phrasebank', 'phrasebank.tsv');

function phrasebankSentences(): string[] {
  return readFileSync(PHRASEBANK, 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t')[2]?.trim())
    .filter((s): s is string => Boolean(s));
}

export const soakPlan = (candles: number, news: number) => synthetic.syntheticPlan({ candles, news, interval: BAR_INTERVAL });
export const candleChunks = (plan: synthetic.SyntheticPlan, seed: number, chunk: number) => synthetic.candleChunks(plan, seed, chunk, 'soak');
export const newsChunks = (plan: synthetic.SyntheticPlan, seed: number, chunk: number) => synthetic.newsChunks(plan, seed, chunk, { sentences: phrasebankSentences(), site: 'soak.example' });
export const produceAll = synthetic.produceAll;
