import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSentimentModel, MODELS_DIR } from '../streams/classify/model/sentiment-model.ts';

// Headlines per second through the sentiment model, one at a time vs batched, same run, same
// model (the default: FinBERT when installed, else compact-finsent). Target: batched >= 3x.

const ROUNDS = Number(process.env.BENCH_CLASSIFY_ROUNDS ?? 3);
const BATCH = Number(process.env.BENCH_CLASSIFY_BATCH ?? 32);

export default async function classifyBench(): Promise<void> {
  const model = await loadSentimentModel();
  const texts = readFileSync(join(MODELS_DIR, 'compact-finsent', 'held-out.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split('\t')[2]!);
  const all = Array.from({ length: ROUNDS }, () => texts).flat();
  await model.classify(texts.slice(0, 64)); // warm-up

  let started = process.hrtime.bigint();
  for (const t of all) await model.classify([t]);
  const single = all.length / (Number(process.hrtime.bigint() - started) / 1e9);

  started = process.hrtime.bigint();
  for (let i = 0; i < all.length; i += BATCH) await model.classify(all.slice(i, i + BATCH));
  const batched = all.length / (Number(process.hrtime.bigint() - started) / 1e9);

  console.log(`  model ${model.version}, ${all.length} headlines (PhraseBank held-out sentences x ${ROUNDS})`);
  console.log(`  one at a time   ${Math.round(single).toLocaleString().padStart(8)} headlines/s`);
  console.log(`  batches of ${String(BATCH).padEnd(4)} ${Math.round(batched).toLocaleString().padStart(8)} headlines/s`);
  console.log(`  batched / one at a time  ${(batched / single).toFixed(2)}x   target >= 3x   ${batched / single >= 3 ? 'met' : 'MISSED'}`);
  await model.close();
}
