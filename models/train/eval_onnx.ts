import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readHeldOut } from '../../streams/classify/model/held-out.ts';
import { loadSentimentModel, MODELS_DIR } from '../../streams/classify/model/sentiment-model.ts';

// Held-out metrics of a model folder through the shipped loader (TypeScript tokenizer,
// onnxruntime-node), and whether labels depend on the batch: every sentence one at a time, in
// the loader's length-sorted runs, and in batches of 32 in file order (mixed lengths, padded to
// the longest). Optionally writes the labels, to count changes between two models.
//   npx tsx models/train/eval_onnx.ts [model-dir] [labels-out.json] [labels-before.json]

const dir = process.argv[2] ?? join(MODELS_DIR, 'compact-finsent');
const rows = readHeldOut(join(MODELS_DIR, 'compact-finsent'));
const texts = rows.map((r) => r.sentence);
const model = await loadSentimentModel(dir, { threads: 2, runSize: 32 });
const sorted = await model.classify(texts);
const mixed = [];
for (let i = 0; i < texts.length; i += 32) mixed.push(...(await model.classify(texts.slice(i, i + 32))));
const single = [];
for (const t of texts) single.push(...(await model.classify([t])));
await model.close();

const LABELS = ['positive', 'negative', 'neutral'];
function metrics(sel: number[]) {
  const p = sel.map((i) => sorted[i]!.label as string);
  const g = sel.map((i) => rows[i]!.label);
  const acc = p.filter((x, k) => x === g[k]).length / sel.length;
  const f1 = LABELS.map((c) => {
    const tp = p.filter((x, k) => x === c && g[k] === c).length;
    const fp = p.filter((x, k) => x === c && g[k] !== c).length;
    const fn = p.filter((x, k) => x !== c && g[k] === c).length;
    const pr = tp + fp ? tp / (tp + fp) : 0;
    const rc = tp + fn ? tp / (tp + fn) : 0;
    return pr + rc ? (2 * pr * rc) / (pr + rc) : 0;
  });
  return { n: sel.length, accuracy: +acc.toFixed(4), macro_f1: +(f1.reduce((a, b) => a + b) / 3).toFixed(4) };
}
const all = rows.map((_, i) => i);
const diff = (a: typeof sorted, b: typeof sorted) => a.filter((r, i) => r.label !== b[i]!.label).length;
const maxScoreGap = Math.max(...sorted.map((r, i) => Math.abs(r.score - single[i]!.score)), ...mixed.map((r, i) => Math.abs(r.score - single[i]!.score)));
const out: Record<string, unknown> = {
  model: model.version,
  all: metrics(all),
  full_agreement: metrics(all.filter((i) => rows[i]!.agreement === 100)),
  label_changes_sorted_runs_vs_single: diff(sorted, single),
  label_changes_mixed_32_vs_single: diff(mixed, single),
  max_score_gap_batched_vs_single: +maxScoreGap.toExponential(2),
};
const labels = sorted.map((r) => r.label);
if (process.argv[4]) {
  const before = JSON.parse(readFileSync(process.argv[4], 'utf8')) as string[];
  out.label_changes_vs_before = labels.filter((l, i) => l !== before[i]).length;
}
if (process.argv[3]) writeFileSync(process.argv[3], JSON.stringify(labels) + '\n');
console.log(JSON.stringify(out, null, 2));
