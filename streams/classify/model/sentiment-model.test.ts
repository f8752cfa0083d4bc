import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHeldOut } from './held-out.ts';
import { loadSentimentModel, MODELS_DIR, type LoadedModel } from './sentiment-model.ts';

// The shipped compact model through onnxruntime-node: batching changes nothing, clear-cut
// sentences get the obvious labels, and the held-out metrics recomputed here (TypeScript
// tokenizer, ONNX model) are the model card's.

const DIR = join(MODELS_DIR, 'compact-finsent');
let model: LoadedModel;

beforeAll(async () => {
  model = await loadSentimentModel(DIR);
});
afterAll(async () => {
  await model?.close();
});

const heldOut = readHeldOut(DIR);

describe('compact-finsent', () => {
  it('names itself with a content hash', () => {
    expect(model.version).toMatch(/^compact-finsent@[0-9a-f]{12}$/);
    expect(model.labels).toEqual(['positive', 'negative', 'neutral']);
  });

  it('gives the same labels in a batch of 32 as one at a time', async () => {
    const texts = heldOut.slice(0, 32).map((h) => h.sentence);
    const batched = await model.classify(texts);
    const single: Awaited<ReturnType<LoadedModel['classify']>> = [];
    for (const t of texts) single.push(...(await model.classify([t])));
    expect(batched.map((r) => r.label)).toEqual(single.map((r) => r.label));
    batched.forEach((r, i) => expect(r.score).toBeCloseTo(single[i]!.score, 5));
  });

  const clear: Array<[string, string]> = [
    ['Operating profit rose to EUR 13.1 mn from EUR 8.7 mn in the corresponding period in 2007.', 'positive'],
    ['Net sales increased by 20 % and the company returned to profit.', 'positive'],
    ['Operating loss increased to EUR 4.5 mn from a loss of EUR 2.1 mn.', 'negative'],
    ['Net loss widened to EUR 4.5 mn from EUR 2.1 mn.', 'negative'],
    ['Operating loss narrowed to EUR 2.1 mn from EUR 4.5 mn.', 'positive'],
    ['Operating profit fell to EUR 2.1 mn from EUR 4.5 mn.', 'negative'],
    ['Net sales decreased by 15 % and the company issued a profit warning.', 'negative'],
    ['The company will publish its annual report on Thursday.', 'neutral'],
  ];
  it.each(clear)('%s → %s', async (text, label) => {
    expect((await model.classify([text]))[0]!.label).toBe(label);
  });

  it('reproduces the held-out metrics of the model card', async () => {
    const config = JSON.parse(readFileSync(join(DIR, 'config.json'), 'utf8'));
    const preds = await model.classify(heldOut.map((h) => h.sentence));
    const acc = (sel: number[]) => sel.filter((i) => preds[i]!.label === heldOut[i]!.label).length / sel.length;
    const all = heldOut.map((_, i) => i);
    const full = all.filter((i) => heldOut[i]!.agreement === 100);
    expect(Math.abs(acc(all) - config.held_out.all.accuracy)).toBeLessThan(0.005);
    expect(Math.abs(acc(full) - config.held_out.full_agreement.accuracy)).toBeLessThan(0.005);
    // 783 sentences: about a second alone, several on a shared, busy 2-core machine.
  }, 60_000);
});
