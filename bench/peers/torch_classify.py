"""PyTorch peer of the classify bench: the shipped compact-finsent weights (int8 rows with one
scale each, dequantized to float) in models/train/minilm_base.py's MiniLMClassifier, the same
WordPiece tokenizer, classifying the same headlines the way a Hugging Face text-classification
pipeline does (batches of 32 in input order, each padded to its longest, torch.inference_mode),
and once more with the headlines sorted by length. Also times one float GEMM of a batch's shape
(M x 384 by 384 x 1536) through the same BLAS: the machine's float ceiling at these threads.

  OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/peers/torch_classify.py INPUT.json

INPUT.json: {"texts": [...], "labels": [...the ONNX session's labels...], "rounds": N, "threads": 2}.
Prints one line `TORCH_PEER {json}`. Tokenizing is done once, outside the timings (a Hugging
Face pipeline tokenizes with a Rust tokenizer; this pure-Python one would only slow the peer)."""
import json
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'models', 'train'))

import torch  # noqa: E402

from minilm_base import MiniLMClassifier, onnx_state_dict  # noqa: E402
from wordpiece import WordPiece  # noqa: E402

MODEL_DIR = os.path.join(ROOT, 'models', 'compact-finsent')
PARTS = ('query', 'key', 'value', 'attn_out', 'intermediate', 'output')
INT8_MATMULS = {'MatMulInteger', 'DynamicQuantizeMatMul', 'MatMulIntegerToFloat', 'QLinearMatMul'}


class WeightsNotFound(Exception):
    pass


def weight_orientation(graph, name):
    """'in_out' when an int8 weight feeds an integer matrix product as its right operand (the
    ONNX layout, [in, out]), else 'out_in' (PyTorch's Linear layout, as the float export keeps)."""
    for node in graph.node:
        if node.op_type in INT8_MATMULS and len(node.input) > 1 and node.input[1] == name:
            return 'in_out'
    return 'out_in'


def dequantized_linear(inits, graph, prefix, n_out, n_in):
    """Float [out, in] weight of one linear layer from its int8 initializer and scales, found
    by name: `<prefix>.` + something int8, and `<prefix>.` + something with `scale` in it."""
    q_names = [k for k, v in inits.items() if k.startswith(prefix + '.') and v.dtype == torch.int8]
    s_names = [k for k, v in inits.items() if k.startswith(prefix + '.') and 'scale' in k and v.is_floating_point()]
    if len(q_names) != 1 or len(s_names) != 1:
        raise WeightsNotFound(f'{prefix}: want one int8 weight and one scale initializer named {prefix}.*, found int8 {q_names} and scales {s_names}')
    q, s = inits[q_names[0]].float(), inits[s_names[0]].float()
    if q.shape == (n_in, n_out) and (n_in != n_out or weight_orientation(graph, q_names[0]) == 'in_out' or s.shape == (1, n_out)):
        q = q.t()
        s = s.reshape(1, -1).t()  # per output column of [in,out] -> per row of [out,in]
    elif q.shape == (n_out, n_in):
        s = s.reshape(-1, 1) if s.numel() == n_out else s
    else:
        raise WeightsNotFound(f'{prefix}: int8 weight {q_names[0]} has shape {tuple(q.shape)}, want ({n_out}, {n_in}) or ({n_in}, {n_out})')
    if s.numel() not in (1, n_out):
        raise WeightsNotFound(f'{prefix}: scale {s_names[0]} has {s.numel()} values, want 1 or {n_out}')
    return (q * s).contiguous()


def load_model(path):
    """MiniLMClassifier with the ONNX file's weights, dequantized to float (word embeddings and
    every linear layer: int8 rows times their scales; the rest is float in the file)."""
    import onnx

    graph = onnx.load(path).graph
    inits = onnx_state_dict(path)
    layers = sorted({int(m.group(1)) for k in inits for m in [re.match(r'layers\.(\d+)\.', k)] if m})
    if not layers:
        raise WeightsNotFound(f'{path}: no initializers named layers.<n>.*; has {sorted(inits)[:8]}...')
    word_q = next((k for k, v in inits.items() if k.startswith('word') and v.dtype == torch.int8), None)
    word_s = next((k for k, v in inits.items() if k.startswith('word') and 'scale' in k), None)
    if word_q is None or word_s is None:
        raise WeightsNotFound(f'{path}: no int8 word embedding table and scale (word*, word*scale*)')
    vocab, hidden = inits[word_q].shape
    model = MiniLMClassifier(vocab, len(layers))
    state = model.state_dict()
    own = {'word.weight': inits[word_q].float() * inits[word_s].float().reshape(-1, 1)}
    for k in ('position.weight', 'token_type.weight', 'emb_norm.weight', 'emb_norm.bias', 'classifier.weight', 'classifier.bias'):
        if k not in inits:
            raise WeightsNotFound(f'{path}: no initializer {k}')
        own[k] = inits[k]
    for i in layers:
        for part in PARTS:
            prefix = f'layers.{i}.{part}'
            w = state[f'{prefix}.weight']
            own[f'{prefix}.weight'] = dequantized_linear(inits, graph, prefix, w.shape[0], w.shape[1])
            own[f'{prefix}.bias'] = inits[f'{prefix}.bias']
        for norm in ('attn_norm', 'out_norm'):
            for p in ('weight', 'bias'):
                own[f'layers.{i}.{norm}.{p}'] = inits[f'layers.{i}.{norm}.{p}']
    missing = set(state) - set(own)
    if missing:
        raise WeightsNotFound(f'{path}: no weights for {sorted(missing)}')
    for k, v in own.items():
        if tuple(v.shape) != tuple(state[k].shape):
            raise WeightsNotFound(f'{path}: {k} has shape {tuple(v.shape)}, want {tuple(state[k].shape)}')
        state[k].copy_(v)
    return model.eval()


def padded(encodings, pad):
    length = max(len(e) for e in encodings)
    ids = torch.full((len(encodings), length), pad, dtype=torch.int64)
    mask = torch.zeros((len(encodings), length), dtype=torch.int64)
    for r, e in enumerate(encodings):
        ids[r, :len(e)] = torch.tensor(e)
        mask[r, :len(e)] = 1
    return ids, mask


def classify(model, encodings, pad, order, batch):
    """Labels by input index; batches of `batch` in `order`, each padded to its longest."""
    out = [0] * len(encodings)
    with torch.inference_mode():
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            ids, mask = padded([encodings[j] for j in idx], pad)
            labels = model(ids, mask, torch.zeros_like(ids)).softmax(-1).argmax(-1).tolist()
            for j, label in zip(idx, labels):
                out[j] = label
    return out


def rate(fn, warm, n, rounds):
    warm()
    started = time.perf_counter()
    for _ in range(rounds):
        result = fn()
    return n * rounds / (time.perf_counter() - started), result


def gemm_ceiling(m, k=384, n=1536, seconds=1.0):
    a, b = torch.randn(m, k), torch.randn(k, n)
    for _ in range(3):
        torch.mm(a, b)
    reps, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        torch.mm(a, b)
        reps += 1
    return 2 * m * k * n * reps / (time.perf_counter() - started) / 1e9


def main():
    spec = json.load(open(sys.argv[1], encoding='utf-8'))
    threads, rounds, batch = int(spec.get('threads', 2)), int(spec.get('rounds', 1)), int(spec.get('batch', 32))
    torch.set_num_threads(threads)
    config = json.load(open(os.path.join(MODEL_DIR, 'config.json'), encoding='utf-8'))
    labels = [config['labels'][str(i)] for i in range(len(config['labels']))]
    tok = WordPiece(os.path.join(MODEL_DIR, 'vocab.txt'), config.get('max_length', 128))
    try:
        model = load_model(os.path.join(MODEL_DIR, 'model.onnx'))
    except WeightsNotFound as e:
        print('TORCH_PEER ' + json.dumps({'error': f'weights not found: {e}'}), flush=True)
        sys.exit(3)
    texts = spec['texts']
    enc = [tok.encode(t) for t in texts]
    n = len(texts)
    in_order = list(range(n))
    by_length = sorted(in_order, key=lambda i: (len(enc[i]), i))
    warm = lambda: classify(model, enc, tok.pad, in_order[:2 * batch], batch)  # noqa: E731
    unsorted_rate, got = rate(lambda: classify(model, enc, tok.pad, in_order, batch), warm, n, rounds)
    sorted_rate, got_sorted = rate(lambda: classify(model, enc, tok.pad, by_length, batch), warm, n, rounds)
    onnx_labels = spec.get('labels') or []
    agree = lambda got: sum(labels[g] == o for g, o in zip(got, onnx_labels)) / max(1, len(onnx_labels))  # noqa: E731
    mean_tokens = sum(len(e) for e in enc) / n
    padded = lambda order: sum(len(order[i:i + batch]) * max(len(enc[j]) for j in order[i:i + batch]) for i in range(0, n, batch)) / n  # noqa: E731
    m = batch * round(mean_tokens)
    print('TORCH_PEER ' + json.dumps({
        'torch': torch.__version__,
        'threads': threads,
        'blas_threads': os.environ.get('OPENBLAS_NUM_THREADS'),
        'n': n,
        'rounds': rounds,
        'mean_tokens': round(mean_tokens, 2),
        'padded_tokens_unsorted': round(padded(in_order), 2),
        'padded_tokens_sorted': round(padded(by_length), 2),
        'unsorted_per_s': round(unsorted_rate, 1),
        'sorted_per_s': round(sorted_rate, 1),
        'agreement_unsorted': round(agree(got), 4),
        'agreement_sorted': round(agree(got_sorted), 4),
        'gemm_shape': [m, 384, 1536],
        'gemm_gflops': round(gemm_ceiling(m), 2),
    }), flush=True)


if __name__ == '__main__':
    main()
