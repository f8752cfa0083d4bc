"""Trains the compact financial sentiment model and exports it to ONNX with BERT's I/O
contract (input_ids, attention_mask, token_type_ids -> logits; labels 0 positive,
1 negative, 2 neutral as FinBERT). Reproducible: fixed seeds, one thread, a held-out split
(20 %, stratified by label and annotator agreement, seed 20240101) that training never sees.

    /usr/bin/python3 models/train/train_compact.py            # needs python3-torch (Debian)

Prints the held-out metrics for the model card and writes models/compact-finsent/."""
import hashlib
import json
import math
import os
import random
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
from wordpiece import WordPiece  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SHARED = os.path.abspath(os.path.join(ROOT, '..', 'shared', 'data'))
OUT = os.path.join(ROOT, 'models', 'compact-finsent')
LABELS = ['positive', 'negative', 'neutral']
SPLIT_SEED = 20240101
TRAIN_SEED = int(os.environ.get('TRAIN_SEED', '7'))
DIM = int(os.environ.get('DIM', '16'))
BUCKETS = 1 << 17
MAX_LEN = 128
EPOCHS = int(os.environ.get('EPOCHS', '12'))

torch.set_num_threads(1)


def load():
    rows = []
    with open(os.path.join(SHARED, 'phrasebank', 'phrasebank.tsv'), encoding='utf-8') as f:
        next(f)
        for line in f:
            label, agree, sentence = line.rstrip('\n').split('\t', 2)
            rows.append((sentence, LABELS.index(label), int(agree)))
    return rows


def split(rows):
    rng = random.Random(SPLIT_SEED)
    groups = {}
    for r in rows:
        groups.setdefault((r[1], r[2]), []).append(r)
    train, test = [], []
    for key in sorted(groups):
        g = groups[key][:]
        rng.shuffle(g)
        n = round(len(g) * 0.2)
        test += g[:n]
        train += g[n:]
    return train, test


# A small financial direction lexicon (prior knowledge the 3,000 training sentences cannot
# teach): words for up, for down, and for quantities where up is bad (losses, costs).
LEXICON = {
    'up': 'rose rise rises rising increased increase increases increasing grew grow grows growing growth up higher improved improve improves improvement gain gains gained jumped jump climbed climb surged surge soared expanded expand strengthened strong stronger record beat beats exceeded exceed positive profitable boosted boost doubled tripled upgrade upgraded recovered recovery won awarded success successful',
    'down': 'fell fall falls falling decreased decrease decreases decreasing declined decline declines declining dropped drop drops down lower lowered weaker weak weakened worsened worse slumped slump plunged plunge tumbled shrank shrink cut cuts cutting reduced reduce negative downgrade downgraded lost missed miss warning warned failed fail difficult',
    'bad': 'loss losses costs cost expenses expense debt deficit impairment charges charge layoffs redundancies unemployment writedown write provisions liabilities lay',
}


class CompactFinSent(nn.Module):
    """Unigram and hashed-bigram WordPiece embeddings, mean-pooled, plus counts of lexicon
    words (up, down, bad) and their products, then a small MLP. Embeddings are stored int8
    with a per-table scale after training (see quantize)."""

    def __init__(self, vocab_size, lexicon_table):
        super().__init__()
        self.register_buffer('lexicon', lexicon_table)
        self.uni = nn.Embedding(vocab_size, DIM)
        self.bi = nn.Embedding(BUCKETS, DIM)
        nn.init.normal_(self.uni.weight, std=0.05)
        nn.init.normal_(self.bi.weight, std=0.05)
        self.hidden = nn.Linear(2 * DIM + 6, 32)
        self.out = nn.Linear(32, 3)
        self.drop = nn.Dropout(0.3)
        self.quantized = False

    def tables(self):
        if self.quantized:
            return self.uni_q.float() * self.uni_scale, self.bi_q.float() * self.bi_scale
        return self.uni.weight, self.bi.weight

    def forward(self, input_ids, attention_mask, token_type_ids):
        uni_t, bi_t = self.tables()
        mask = attention_mask.to(torch.float32)
        uni = uni_t[input_ids] * mask.unsqueeze(-1)
        bi_ids = torch.remainder(input_ids[:, :-1] * 1000003 + input_ids[:, 1:], BUCKETS)
        bi_mask = mask[:, :-1] * mask[:, 1:]
        bi = bi_t[bi_ids] * bi_mask.unsqueeze(-1)
        uni_mean = uni.sum(1) / mask.sum(1, keepdim=True).clamp(min=1.0)
        bi_mean = bi.sum(1) / bi_mask.sum(1, keepdim=True).clamp(min=1.0)
        lex = (self.lexicon[input_ids] * mask.unsqueeze(-1)).sum(1).clamp(max=3.0)
        up, down, bad = lex[:, 0:1], lex[:, 1:2], lex[:, 2:3]
        lex_features = torch.cat([up, down, bad, up * bad, down * bad, up * down], dim=1)
        h = torch.relu(self.hidden(torch.cat([self.drop(torch.cat([uni_mean, bi_mean], dim=1)), lex_features], dim=1)))
        return self.out(self.drop(h)) + 0 * token_type_ids[:, :1].to(torch.float32)

    def quantize(self):
        for name in ('uni', 'bi'):
            w = getattr(self, name).weight.detach()
            scale = w.abs().max() / 127.0
            self.register_buffer(f'{name}_q', torch.clamp(torch.round(w / scale), -127, 127).to(torch.int8))
            self.register_buffer(f'{name}_scale', scale.reshape(1))
        del self.uni
        del self.bi
        self.quantized = True


def batches(data, tok, size, shuffle, rng):
    idx = list(range(len(data)))
    if shuffle:
        rng.shuffle(idx)
    for i in range(0, len(idx), size):
        part = [data[j] for j in idx[i:i + size]]
        enc = [tok.encode(s) for s, _, _ in part]
        length = max(len(e) for e in enc)
        ids = torch.full((len(part), length), tok.pad, dtype=torch.int64)
        mask = torch.zeros((len(part), length), dtype=torch.int64)
        for r, e in enumerate(enc):
            ids[r, :len(e)] = torch.tensor(e)
            mask[r, :len(e)] = 1
        yield ids, mask, torch.zeros_like(ids), torch.tensor([l for _, l, _ in part]), [a for _, _, a in part]


def evaluate(model, data, tok):
    model.eval()
    preds, gold, agree = [], [], []
    with torch.no_grad():
        for ids, mask, tt, y, a in batches(data, tok, 256, False, None):
            preds += model(ids, mask, tt).argmax(1).tolist()
            gold += y.tolist()
            agree += a
    def metrics(sel):
        p = [preds[i] for i in sel]
        g = [gold[i] for i in sel]
        acc = sum(int(x == y) for x, y in zip(p, g)) / len(g)
        f1s = []
        for c in range(3):
            tp = sum(1 for x, y in zip(p, g) if x == c and y == c)
            fp = sum(1 for x, y in zip(p, g) if x == c and y != c)
            fn = sum(1 for x, y in zip(p, g) if x != c and y == c)
            prec = tp / (tp + fp) if tp + fp else 0.0
            rec = tp / (tp + fn) if tp + fn else 0.0
            f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
        return {'n': len(g), 'accuracy': round(acc, 4), 'macro_f1': round(sum(f1s) / 3, 4)}
    return {'all': metrics(range(len(gold))), 'full_agreement': metrics([i for i, a in enumerate(agree) if a == 100])}


class Ensemble(nn.Module):
    """Members' probabilities averaged; logits are their log, so softmax gives the mean."""

    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, input_ids, attention_mask, token_type_ids):
        probs = torch.stack([torch.softmax(m(input_ids, attention_mask, token_type_ids), dim=1) for m in self.members]).mean(0)
        return torch.log(probs)


ENSEMBLE = int(os.environ.get('ENSEMBLE', '1'))


def train_member(seed, tok, train_all, lexicon):
    random.seed(seed)
    torch.manual_seed(seed)
    # Sentences with more annotator agreement are cleaner labels: weigh them more.
    weight_of = {100: 1.0, 75: 0.9, 66: 0.75, 50: 0.5}
    # Early stopping on a validation tenth of the training split (never the held-out split).
    vrng = random.Random(seed)
    shuffled = train_all[:]
    vrng.shuffle(shuffled)
    valid, train = shuffled[: len(shuffled) // 10], shuffled[len(shuffled) // 10:]
    model = CompactFinSent(len(tok.vocab), lexicon)
    opt = torch.optim.AdamW(model.parameters(), lr=float(os.environ.get('LR', '2e-3')), weight_decay=float(os.environ.get('WD', '1e-1')))
    best, best_state = -1.0, None
    rng = random.Random(seed)
    lossf = nn.CrossEntropyLoss(reduction='none')
    for epoch in range(EPOCHS):
        model.train()
        total = 0.0
        for ids, mask, tt, y, a in batches(train, tok, 32, True, rng):
            w = torch.tensor([weight_of[x] for x in a])
            loss = (lossf(model(ids, mask, tt), y) * w).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        v = evaluate(model, valid, tok)['all']['accuracy']
        if v > best:
            best, best_state = v, {k: t.clone() for k, t in model.state_dict().items()}
        print(f'epoch {epoch + 1}: loss {total:.3f} valid {v:.4f}', file=sys.stderr)
    model.load_state_dict(best_state)
    model.quantize()
    return model, len(train)


def main():
    tok = WordPiece(os.path.join(SHARED, 'finbert-tokenizer', 'vocab.txt'), MAX_LEN)
    train, test = split(load())
    lexicon = torch.zeros((len(tok.vocab), 3))
    for k, kind in enumerate(('up', 'down', 'bad')):
        for word in LEXICON[kind].split():
            if word in tok.vocab:
                lexicon[tok.vocab[word], k] = 1.0
    members = []
    for k in range(ENSEMBLE):
        member, n_train = train_member(TRAIN_SEED + k, tok, train, lexicon)
        members.append(member)
        print(f'member {k}: {json.dumps(evaluate(member, test, tok))}', file=sys.stderr)
    model = members[0] if ENSEMBLE == 1 else Ensemble(members)
    model.eval()
    held_out = evaluate(model, test, tok)
    print(json.dumps({'train': n_train, 'held_out': held_out}, indent=2))
    os.makedirs(OUT, exist_ok=True)
    ids = torch.tensor([tok.encode('Operating profit rose to EUR 13.1 mn.')])
    path = os.path.join(OUT, 'model.onnx')
    torch.onnx.export(
        model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), path,
        input_names=['input_ids', 'attention_mask', 'token_type_ids'], output_names=['logits'],
        dynamic_axes={'input_ids': {0: 'batch', 1: 'sequence'}, 'attention_mask': {0: 'batch', 1: 'sequence'},
                      'token_type_ids': {0: 'batch', 1: 'sequence'}, 'logits': {0: 'batch'}},
        opset_version=13, do_constant_folding=False)
    with open(os.path.join(SHARED, 'finbert-tokenizer', 'vocab.txt'), 'rb') as src, open(os.path.join(OUT, 'vocab.txt'), 'wb') as dst:
        dst.write(src.read())
    digest = hashlib.sha256(open(path, 'rb').read()).hexdigest()[:12]
    config = {'name': 'compact-finsent', 'labels': {'0': 'positive', '1': 'negative', '2': 'neutral'}, 'max_length': MAX_LEN,
              'held_out': held_out, 'split': {'seed': SPLIT_SEED, 'fraction': 0.2, 'stratified_by': ['label', 'agreement']},
              'train_seed': TRAIN_SEED, 'ensemble': ENSEMBLE, 'dim': DIM, 'epochs': EPOCHS, 'onnx_sha256_12': digest}
    with open(os.path.join(OUT, 'config.json'), 'w') as f:
        json.dump(config, f, indent=2)
        f.write('\n')
    with open(os.path.join(OUT, 'held-out.tsv'), 'w', encoding='utf-8') as f:
        f.write('label\tagreement\tsentence\n')
        for s, l, a in test:
            f.write(f'{LABELS[l]}\t{a}\t{s}\n')


if __name__ == '__main__':
    main()
