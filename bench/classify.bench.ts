import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSentimentModel, MODELS_DIR, type LoadedModel } from '../streams/classify/model/sentiment-model.ts';

// Headlines per second through the sentiment model, one at a time vs batched, same run, same
// model (the default: FinBERT when installed, else compact-finsent). Batched is what the
// classify processor does: windows of 8 runs of BATCH headlines, sorted by length inside a
// window. One at a time is measured on the same session (2 threads, the processor's default)
// and, as the fairer baseline, on a 1-thread session, which suits single short texts better.
// Target: batched >= 3x one at a time.

const ROUNDS = Number(process.env.BENCH_CLASSIFY_ROUNDS ?? 2);
const BATCH = Number(process.env.BENCH_CLASSIFY_BATCH ?? 32);
const WINDOW = BATCH * 8;

async function rate(model: LoadedModel, texts: string[], callSize: number): Promise<number> {
  await model.classify(texts.slice(0, callSize)); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < texts.length; i += callSize) await model.classify(texts.slice(i, i + callSize));
  return texts.length / (Number(process.hrtime.bigint() - started) / 1e9);
}

export default async function classifyBench(): Promise<void> {
  const texts = readFileSync(join(MODELS_DIR, 'compact-finsent', 'held-out.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split('\t')[2]!);
  const all = Array.from({ length: ROUNDS }, () => texts).flat();

  const model = await loadSentimentModel(undefined, { threads: 2, runSize: BATCH });
  const single = await rate(model, all, 1);
  const batched = await rate(model, all, WINDOW);
  await model.close();
  const oneThread = await loadSentimentModel(undefined, { threads: 1, runSize: BATCH });
  const singleOneThread = await rate(oneThread, all, 1);
  await oneThread.close();

  const best = Math.max(single, singleOneThread);
  const fmt = (x: number) => Math.round(x).toLocaleString().padStart(8);
  console.log(`  model ${model.version}, ${all.length} headlines (PhraseBank held-out sentences x ${ROUNDS})`);
  console.log(`  one at a time, 2 threads     ${fmt(single)} headlines/s`);
  console.log(`  one at a time, 1 thread      ${fmt(singleOneThread)} headlines/s`);
  console.log(`  batched (runs of ${String(BATCH).padEnd(3)}, 2 thr.) ${fmt(batched)} headlines/s`);
  console.log(`  batched / one at a time (same session)  ${(batched / single).toFixed(2)}x   target >= 3x   ${batched / single >= 3 ? 'met' : 'MISSED'}`);
  console.log(`  batched / best one at a time            ${(batched / best).toFixed(2)}x`);
}
