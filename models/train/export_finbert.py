"""Exports ProsusAI/finbert to ONNX and quantizes it (int8, dynamic) into models/finbert, with
the I/O contract the classifier expects (input_ids, attention_mask, token_type_ids -> logits).
Needs internet and: pip install "transformers>=4.40" "optimum[onnxruntime]>=1.20" torch"""
import json
import os
import shutil

from optimum.onnxruntime import ORTModelForSequenceClassification, ORTQuantizer
from optimum.onnxruntime.configuration import AutoQuantizationConfig
from transformers import AutoTokenizer

MODEL = 'ProsusAI/finbert'
OUT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', 'finbert'))
WORK = OUT + '-export'


def main():
    model = ORTModelForSequenceClassification.from_pretrained(MODEL, export=True)
    tokenizer = AutoTokenizer.from_pretrained(MODEL)
    model.save_pretrained(WORK)
    tokenizer.save_pretrained(WORK)
    quantizer = ORTQuantizer.from_pretrained(WORK)
    quantizer.quantize(save_dir=WORK, quantization_config=AutoQuantizationConfig.avx2(is_static=False, per_channel=False))
    os.makedirs(OUT, exist_ok=True)
    shutil.copy(os.path.join(WORK, 'model_quantized.onnx'), os.path.join(OUT, 'model.onnx'))
    shutil.copy(os.path.join(WORK, 'vocab.txt'), os.path.join(OUT, 'vocab.txt'))
    with open(os.path.join(WORK, 'config.json')) as f:
        hf = json.load(f)
    config = {'name': 'finbert', 'id2label': {k: v.lower() for k, v in hf['id2label'].items()}, 'max_length': 512}
    with open(os.path.join(OUT, 'config.json'), 'w') as f:
        json.dump(config, f, indent=2)
    shutil.rmtree(WORK)
    print(f'FinBERT exported to {OUT}')


if __name__ == '__main__':
    main()
