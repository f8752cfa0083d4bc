import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flopsPerHeadline, modelShape } from './model-cost.ts';
import { MODELS_DIR } from './sentiment-model.ts';

const compact = { layers: 3, hidden: 384, intermediate: 1536, labels: 3 };

describe('flopsPerHeadline', () => {
  it.each([
    // 2 x (layers x (t(4h^2 + 2hf) + 2t^2 h) + h x labels), worked by hand
    { name: 'one token, one tiny layer', tokens: 1, shape: { layers: 1, hidden: 2, intermediate: 4, labels: 3 }, flops: 2 * (1 * (16 + 16) + 2 * 2) + 2 * 2 * 3 },
    { name: 'attention grows with tokens squared', tokens: 3, shape: { layers: 1, hidden: 2, intermediate: 4, labels: 1 }, flops: 2 * (3 * 32 + 2 * 9 * 2 + 2) },
    { name: 'layers multiply the encoder, not the classifier', tokens: 3, shape: { layers: 2, hidden: 2, intermediate: 4, labels: 1 }, flops: 2 * (2 * (3 * 32 + 36) + 2) },
    { name: 'compact-finsent, 32 tokens', tokens: 32, shape: compact, flops: 2 * (3 * (32 * 1_769_472 + 2 * 1024 * 384) + 1152) },
    { name: 'no tokens: the classifier alone', tokens: 0, shape: compact, flops: 2 * 1152 },
  ])('$name', ({ tokens, shape, flops }) => {
    expect(flopsPerHeadline(tokens, shape)).toBe(flops);
  });
});

describe('modelShape', () => {
  it('reads the shipped compact model', () => {
    const config = JSON.parse(readFileSync(join(MODELS_DIR, 'compact-finsent', 'config.json'), 'utf8'));
    expect(modelShape(config)).toEqual(compact);
  });

  it.each([
    { name: 'Hugging Face id2label', config: { num_hidden_layers: 12, hidden_size: 768, intermediate_size: 3072, id2label: { 0: 'a', 1: 'b', 2: 'c' } }, shape: { layers: 12, hidden: 768, intermediate: 3072, labels: 3 } },
    { name: 'no label map: three', config: { num_hidden_layers: 6, hidden_size: 384, intermediate_size: 1536 }, shape: { layers: 6, hidden: 384, intermediate: 1536, labels: 3 } },
  ])('$name', ({ config, shape }) => {
    expect(modelShape(config)).toEqual(shape);
  });

  it('refuses a config without the shape', () => {
    expect(() => modelShape({ hidden_size: 384, intermediate_size: 1536 })).toThrow(/num_hidden_layers/);
  });
});
