"""BERT uncased WordPiece, the same algorithm as streams/classify/model/bert-tokenizer.ts
(HF BertNormalizer + BertPreTokenizer + WordPiece). Training and inference must tokenize
alike; the TypeScript test recomputes the held-out metrics from the ONNX model to prove it."""
import unicodedata

MAX_CHARS_PER_WORD = 100


def _is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def _is_whitespace(ch):
    return ch in '\t\n\r' or unicodedata.category(ch) == 'Zs'


def _is_control(ch):
    return unicodedata.category(ch) in ('Cc', 'Cf', 'Co', 'Cn')


def _is_punct(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith('P')


class WordPiece:
    def __init__(self, vocab_path, max_length=128):
        self.vocab = {}
        with open(vocab_path, encoding='utf-8') as f:
            for i, line in enumerate(f):
                tok = line.rstrip('\n').rstrip('\r')
                if tok and tok not in self.vocab:
                    self.vocab[tok] = i
        self.max_length = max_length
        self.unk = self.vocab['[UNK]']
        self.cls = self.vocab['[CLS]']
        self.sep = self.vocab['[SEP]']
        self.pad = self.vocab['[PAD]']

    def normalize(self, text):
        out = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD:
                continue
            if _is_whitespace(ch):
                out.append(' ')
                continue
            if _is_control(ch):
                continue
            out.append(f' {ch} ' if _is_cjk(cp) else ch)
        s = unicodedata.normalize('NFD', ''.join(out))
        s = ''.join(c for c in s if unicodedata.category(c) != 'Mn')
        return s.lower()

    def pre_tokenize(self, text):
        words, cur = [], ''
        for ch in text:
            if ch == ' ' or _is_whitespace(ch):
                if cur:
                    words.append(cur)
                cur = ''
            elif _is_punct(ch):
                if cur:
                    words.append(cur)
                words.append(ch)
                cur = ''
            else:
                cur += ch
        if cur:
            words.append(cur)
        return words

    def word_piece(self, word):
        if len(word) > MAX_CHARS_PER_WORD:
            return ['[UNK]']
        pieces, start = [], 0
        while start < len(word):
            end, piece = len(word), None
            while start < end:
                sub = ('##' if start > 0 else '') + word[start:end]
                if sub in self.vocab:
                    piece = sub
                    break
                end -= 1
            if piece is None:
                return ['[UNK]']
            pieces.append(piece)
            start = end
        return pieces

    def encode(self, text):
        toks = [p for w in self.pre_tokenize(self.normalize(text)) for p in self.word_piece(w)]
        toks = toks[: self.max_length - 2]
        return [self.cls] + [self.vocab.get(t, self.unk) for t in toks] + [self.sep]
