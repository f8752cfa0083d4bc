import { join } from 'node:path';
import { readHeldOut } from '../../streams/classify/model/held-out.ts';
import { loadSentimentModel, MODELS_DIR } from '../../streams/classify/model/sentiment-model.ts';

// Batched headlines/s of one or more model folders, alternating, as bench/classify.bench.ts
// runs them (windows of 256 held-out sentences, length-sorted runs of 32, 2 threads). A quick
// A/B while changing a model; `npm run bench classify` is the reference figure.
//   npx tsx models/train/speed_onnx.ts dirA [dirB …]

const texts = readHeldOut(join(MODELS_DIR, 'compact-finsent')).map((r) => r.sentence);
const dirs = process.argv.slice(2);
const models = await Promise.all(dirs.map((d) => loadSentimentModel(d, { threads: 2, runSize: 32 })));
for (const m of models) await m.classify(texts.slice(0, 256));
const best = dirs.map(() => 0);
const cpu = dirs.map(() => Infinity);
for (let round = 0; round < Number(process.env.ROUNDS ?? 3); round++) {
  for (const [k, m] of models.entries()) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    for (let i = 0; i < texts.length; i += 256) await m.classify(texts.slice(i, i + 256));
    const c = process.cpuUsage(c0);
    cpu[k] = Math.min(cpu[k]!, (c.user + c.system) / texts.length);
    best[k] = Math.max(best[k]!, texts.length / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
}
dirs.forEach((d, k) => console.log(`${Math.round(best[k]!).toString().padStart(6)} headlines/s batched  ${(cpu[k]! / 1000).toFixed(2)} CPU-ms/headline  ${models[k]!.version}  ${d}`));
for (const m of models) await m.close();
