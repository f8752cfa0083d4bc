import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { BertTokenizer } from './bert-tokenizer.ts';

// Token-for-token equality with Hugging Face's reference tokenizer (tokenizers.js, driven by
// FinBERT's tokenizer.json) on tricky cases and on every sentence of the Financial PhraseBank.

const DIR = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data', 'finbert-tokenizer');
const reference = new Tokenizer(JSON.parse(readFileSync(join(DIR, 'tokenizer.json'), 'utf8')), JSON.parse(readFileSync(join(DIR, 'tokenizer_config.json'), 'utf8')));
const ours = BertTokenizer.fromVocabFile(join(DIR, 'vocab.txt'), 512);

function referenceIds(text: string): number[] {
  return reference.encode(text).ids;
}

describe('BertTokenizer equals the Hugging Face tokenizer', () => {
  const tricky = [
    'Apple beats estimates; shares jump 5% to $185.50!',
    'Operating profit rose to EUR 13.1 mn from EUR 8.7 mn in the corresponding period in 2007.',
    'Café Münster — naïve façade, Ørsted, São Paulo, Zürich',
    'Ｆｕｌｌｗｉｄｔｈ ＡＢＣ and “smart quotes” ‘single’ … ellipsis',
    '株式会社トヨタ自動車 reported 営業利益 growth 中国',
    'Numbers: 1,234,567.89 and 3.5% and 10-K and Q3/2024 and 4:1 split',
    'Tabs\tand\nnewlines\r\nand  double  spaces',
    'control\u0000chars\u200bzero\u00adwidth\ufeffbom',
    'emoji 📈📉 rocket 🚀 and symbols ™ © ® § ¶',
    'supercalifragilisticexpialidocious-antidisestablishmentarianism',
    'x'.repeat(101),
    'y'.repeat(100),
    "Don't, won't; it's JPMorgan's (NYSE: JPM) #1 @CEO [Reuters] {x} <b>",
    '',
    '   ',
  ];
  it.each(tricky)('%j', (text) => {
    expect(ours.encode(text).ids).toEqual(referenceIds(text));
  });

  it('on every sentence of the Financial PhraseBank', () => {
    const sentences = readFileSync(join(DIR, '..', 'phrasebank', 'phrasebank.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t')[2])
      .filter((s): s is string => Boolean(s));
    expect(sentences.length).toBeGreaterThan(3000);
    const mismatches = sentences.filter((s) => JSON.stringify(ours.encode(s).ids) !== JSON.stringify(referenceIds(s)));
    expect(mismatches).toEqual([]);
  });

  it('truncates to the maximum length, keeping [CLS] and [SEP]', () => {
    const short = BertTokenizer.fromVocabFile(join(DIR, 'vocab.txt'), 8);
    const e = short.encode('one two three four five six seven eight nine ten');
    expect(e.tokens).toEqual(['[CLS]', 'one', 'two', 'three', 'four', 'five', 'six', '[SEP]']);
  });

  it('pads a batch with attention masks and zero token types', () => {
    const b = ours.encodeBatch(['profit rose', 'loss']);
    expect(b.length).toBe(4);
    expect([...b.attentionMask]).toEqual([1n, 1n, 1n, 1n, 1n, 1n, 1n, 0n]);
    expect([...b.inputIds].slice(4)).toEqual([101n, 3279n, 102n, 0n]);
    expect([...b.tokenTypeIds].every((v) => v === 0n)).toBe(true);
  });
});
