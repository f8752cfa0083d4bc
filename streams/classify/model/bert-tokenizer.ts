import { readFileSync } from 'node:fs';

// Hugging Face's BertTokenizer (uncased WordPiece), as FinBERT's tokenizer.json configures
// it: BertNormalizer (clean text, spaces around CJK, strip accents, lower case),
// BertPreTokenizer (split on whitespace and punctuation), WordPiece (greedy longest match,
// "##" continuations, [UNK] for a word that cannot be pieced or is over 100 characters),
// then [CLS] … [SEP]. Proven token for token against the reference implementation in tests.

export interface Encoding {
  ids: number[];
  tokens: string[];
}

export interface BatchEncoding {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
  /** Sequence length of every row (the longest in the batch, padded). */
  length: number;
}

const MAX_CHARS_PER_WORD = 100;

function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

const CONTROL = /^[\p{Cc}\p{Cf}\p{Co}\p{Cn}]$/u;
const WHITESPACE = /^[\t\n\r\p{Zs}]$/u;
const PUNCT = /^\p{P}$/u;
const MARK = /\p{Mn}/gu;

function isPunctuation(ch: string, cp: number): boolean {
  if (cp < 128) return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
  return PUNCT.test(ch);
}

export class BertTokenizer {
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;
  readonly unkId: number;

  constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    readonly maxLength = 128,
  ) {
    const id = (t: string) => {
      const v = vocab.get(t);
      if (v === undefined) throw new Error(`vocabulary has no ${t}`);
      return v;
    };
    this.clsId = id('[CLS]');
    this.sepId = id('[SEP]');
    this.padId = id('[PAD]');
    this.unkId = id('[UNK]');
  }

  /** From a vocab.txt (one token per line, id = line number). */
  static fromVocabFile(path: string, maxLength?: number): BertTokenizer {
    const vocab = new Map<string, number>();
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((token, i) => {
        const t = token.replace(/\r$/, '');
        if (t && !vocab.has(t)) vocab.set(t, i);
      });
    return new BertTokenizer(vocab, maxLength);
  }

  normalize(text: string): string {
    // Fast path: printable ASCII needs only lower-casing.
    if (/^[\x20-\x7e]*$/.test(text)) return text.toLowerCase();
    let out = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (cp === 0 || cp === 0xfffd) continue;
      if (WHITESPACE.test(ch)) {
        out += ' ';
        continue;
      }
      if (CONTROL.test(ch)) continue;
      out += isCjk(cp) ? ` ${ch} ` : ch;
    }
    return out.normalize('NFD').replace(MARK, '').toLowerCase();
  }

  preTokenize(text: string): string[] {
    const words: string[] = [];
    let current = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (ch === ' ' || (cp > 127 && WHITESPACE.test(ch))) {
        if (current) words.push(current);
        current = '';
      } else if (isPunctuation(ch, cp)) {
        if (current) words.push(current);
        words.push(ch);
        current = '';
      } else {
        current += ch;
      }
    }
    if (current) words.push(current);
    return words;
  }

  private readonly pieceCache = new Map<string, string[]>();

  wordPiece(word: string): string[] {
    const cached = this.pieceCache.get(word);
    if (cached) return cached;
    const pieces = this.pieceWord(word);
    // Words repeat across headlines; a bounded cache saves most of the lookups.
    if (this.pieceCache.size > 50_000) this.pieceCache.clear();
    this.pieceCache.set(word, pieces);
    return pieces;
  }

  private pieceWord(word: string): string[] {
    const chars = [...word];
    if (chars.length > MAX_CHARS_PER_WORD) return ['[UNK]'];
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let piece: string | null = null;
      while (start < end) {
        const sub = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
        if (this.vocab.has(sub)) {
          piece = sub;
          break;
        }
        end--;
      }
      if (!piece) return ['[UNK]'];
      pieces.push(piece);
      start = end;
    }
    return pieces;
  }

  tokenize(text: string): string[] {
    return this.preTokenize(this.normalize(text)).flatMap((w) => this.wordPiece(w));
  }

  /** [CLS] tokens [SEP], truncated to maxLength. */
  encode(text: string): Encoding {
    const tokens = ['[CLS]', ...this.tokenize(text).slice(0, this.maxLength - 2), '[SEP]'];
    return { tokens, ids: tokens.map((t) => this.vocab.get(t) ?? this.unkId) };
  }

  /** A padded batch as the model's int64 inputs (row-major, batch × length). */
  encodeBatch(texts: readonly string[]): BatchEncoding {
    return this.padBatch(texts.map((t) => this.encode(t)));
  }

  /** Encodings padded to the longest of them, as the model's int64 input tensors. */
  padBatch(encodings: readonly Encoding[]): BatchEncoding {
    const length = Math.max(2, ...encodings.map((e) => e.ids.length));
    const inputIds = new BigInt64Array(encodings.length * length).fill(BigInt(this.padId));
    const attentionMask = new BigInt64Array(encodings.length * length);
    encodings.forEach((e, row) => {
      e.ids.forEach((id, col) => {
        inputIds[row * length + col] = BigInt(id);
        attentionMask[row * length + col] = 1n;
      });
    });
    return { inputIds, attentionMask, tokenTypeIds: new BigInt64Array(encodings.length * length), length };
  }
}
