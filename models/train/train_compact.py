"""Trains the compact financial sentiment model and exports it to ONNX with BERT's I/O
contract (input_ids, attention_mask, token_type_ids -> logits; labels 0 positive,
1 negative, 2 neutral as FinBERT).

It fine-tunes the pretrained all-MiniLM-L6-v2 encoder (fetched from Maven Central, see
minilm_base.py) on the Financial PhraseBank. Reproducible: fixed seeds, a fixed thread count,
and a held-out split (20 %, stratified by label and annotator agreement, seed 20240101) that
training never sees; a tenth of the rest picks the epoch.

    apt-get install python3-torch python3-onnx libopenblas0-pthread
    /usr/bin/python3 models/train/train_compact.py

Without OpenBLAS, Debian's torch multiplies matrices with the reference BLAS, about 30 times
slower (hours instead of minutes).

The export stores the weights int8; int8_matmul.py then rewrites its matrix products into
integer ones (per-token int8 activations, MatMulInteger). The held-out metrics are computed the
same way in PyTorch (exact integer products).

Prints the held-out metrics for the model card and writes models/compact-finsent/."""
import hashlib
import json
import math
import os
import random
import sys

# Float sums depend on how work is split across threads; a fixed count keeps retraining
# byte-identical on any machine. Set before torch loads OpenBLAS.
THREADS = os.environ.get('THREADS', '2')
os.environ['OPENBLAS_NUM_THREADS'] = THREADS
os.environ['OMP_NUM_THREADS'] = THREADS

import onnx  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
import int8_matmul  # noqa: E402
from counterfactual import counterfactuals  # noqa: E402
from minilm_base import ARTIFACT, GROUP, HEADS, HIDDEN, INTERMEDIATE, VERSION, MiniLMClassifier, fetch_base_onnx, onnx_state_dict  # noqa: E402
from wordpiece import WordPiece  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SHARED = os.path.abspath(os.path.join(ROOT, '..', 'shared', 'data'))
OUT = os.environ.get('OUT', os.path.join(ROOT, 'models', 'compact-finsent'))
CACHE = os.path.join(os.path.dirname(__file__), '.cache')
LABELS = ['positive', 'negative', 'neutral']
SPLIT_SEED = 20240101
TRAIN_SEED = int(os.environ.get('TRAIN_SEED', '7'))
LAYERS = int(os.environ.get('LAYERS', '3'))
EPOCHS = int(os.environ.get('EPOCHS', '4'))
LR = float(os.environ.get('LR', '8e-5'))
BATCH = 32
MAX_LEN = 128

torch.set_num_threads(int(THREADS))


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
        for ids, mask, tt, y, a in batches(data, tok, 64, False, None):
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


def train(tok, train_all):
    random.seed(TRAIN_SEED)
    torch.manual_seed(TRAIN_SEED)
    # Sentences with more annotator agreement are cleaner labels: weigh them more.
    weight_of = {100: 1.0, 75: 0.9, 66: 0.75, 50: 0.5}
    shuffled = train_all[:]
    random.Random(TRAIN_SEED).shuffle(shuffled)
    valid, train_set = shuffled[: len(shuffled) // 10], shuffled[len(shuffled) // 10:]
    extra = counterfactuals(train_set)
    print(f'{len(extra)} counterfactual sentences (profit -> loss, label flipped)', file=sys.stderr)
    train_set = train_set + extra
    model = MiniLMClassifier(len(tok.vocab), LAYERS)
    model.load_base(onnx_state_dict(fetch_base_onnx(CACHE)))
    # 3,000 sentences cannot retrain 30,522 word vectors; the pretrained ones carry the
    # knowledge of words the PhraseBank never shows, so they stay fixed.
    model.word.weight.requires_grad = False
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=LR, weight_decay=0.01)
    steps = EPOCHS * math.ceil(len(train_set) / BATCH)
    warmup = steps // 10
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / (steps - warmup))))
    lossf = nn.CrossEntropyLoss(reduction='none')
    rng = random.Random(TRAIN_SEED)
    best, best_state = -1.0, None
    for epoch in range(EPOCHS):
        model.train()
        total = 0.0
        for ids, mask, tt, y, a in batches(train_set, tok, BATCH, True, rng):
            w = torch.tensor([weight_of[x] for x in a])
            loss = (lossf(model(ids, mask, tt), y) * w).mean()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            total += loss.item()
            step = sched.last_epoch
            if step % 20 == 0:
                print(f'  step {step}/{steps} loss {loss.item():.3f}', file=sys.stderr, flush=True)
        v = evaluate(model, valid, tok)['all']['accuracy']
        if v > best:
            best, best_state = v, {k: t.clone() for k, t in model.state_dict().items()}
        print(f'epoch {epoch + 1}: loss {total:.3f} valid {v:.4f}', file=sys.stderr, flush=True)
    model.load_state_dict(best_state)
    return model, len(train_set) - len(extra), len(extra)


def main():
    tok = WordPiece(os.path.join(SHARED, 'finbert-tokenizer', 'vocab.txt'), MAX_LEN)
    train_all, test = split(load())
    model, n_train, n_counterfactual = train(tok, train_all)
    model.eval()
    float_held_out = evaluate(model, test, tok)
    print(f'float: {json.dumps(float_held_out)}', file=sys.stderr)
    model.quantize()
    int8_weights_held_out = evaluate(model, test, tok)
    print(f'int8 weights, float products: {json.dumps(int8_weights_held_out)}', file=sys.stderr)
    # The shipped graph multiplies int8 tokens by int8 weights (int8_matmul.py); score that.
    model.int8_activations(True)
    held_out = evaluate(model, test, tok)
    model.int8_activations(False)
    print(json.dumps({'train': n_train, 'counterfactual': n_counterfactual, 'held_out': held_out}, indent=2))
    os.makedirs(OUT, exist_ok=True)
    ids = torch.tensor([tok.encode('Operating profit rose to EUR 13.1 mn.')])
    path = os.path.join(OUT, 'model.onnx')
    torch.onnx.export(
        model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), path,
        input_names=['input_ids', 'attention_mask', 'token_type_ids'], output_names=['logits'],
        dynamic_axes={'input_ids': {0: 'batch', 1: 'sequence'}, 'attention_mask': {0: 'batch', 1: 'sequence'},
                      'token_type_ids': {0: 'batch', 1: 'sequence'}, 'logits': {0: 'batch'}},
        opset_version=14, do_constant_folding=False)
    rewritten, n = int8_matmul.rewrite(onnx.load(path))
    if n != 6 * LAYERS:
        raise SystemExit(f'int8_matmul rewrote {n} weight products, expected {6 * LAYERS}')
    onnx.save(rewritten, path)
    with open(os.path.join(SHARED, 'finbert-tokenizer', 'vocab.txt'), 'rb') as src, open(os.path.join(OUT, 'vocab.txt'), 'wb') as dst:
        dst.write(src.read())
    digest = hashlib.sha256(open(path, 'rb').read()).hexdigest()[:12]
    config = {'name': 'compact-finsent', 'labels': {'0': 'positive', '1': 'negative', '2': 'neutral'}, 'max_length': MAX_LEN,
              'num_hidden_layers': LAYERS, 'hidden_size': HIDDEN, 'num_attention_heads': HEADS, 'intermediate_size': INTERMEDIATE,
              'held_out': held_out, 'held_out_int8_weights_float_products': int8_weights_held_out, 'held_out_before_int8': float_held_out,
              'split': {'seed': SPLIT_SEED, 'fraction': 0.2, 'stratified_by': ['label', 'agreement']},
              'base_model': {'name': 'sentence-transformers/all-MiniLM-L6-v2', 'licence': 'Apache-2.0',
                             'fetched_as': f'{GROUP}:{ARTIFACT}:{VERSION}', 'layers_kept': LAYERS},
              'counterfactual_sentences': n_counterfactual, 'train_seed': TRAIN_SEED, 'epochs': EPOCHS, 'lr': LR, 'batch': BATCH, 'onnx_sha256_12': digest}
    with open(os.path.join(OUT, 'config.json'), 'w') as f:
        json.dump(config, f, indent=2)
        f.write('\n')
    with open(os.path.join(OUT, 'held-out.tsv'), 'w', encoding='utf-8') as f:
        f.write('label\tagreement\tsentence\n')
        for s, l, a in test:
            f.write(f'{LABELS[l]}\t{a}\t{s}\n')


if __name__ == '__main__':
    main()
