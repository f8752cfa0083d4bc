import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { AvroCodec } from '../core/avro-codec.ts';
import { loadConnections } from '../core/config.ts';
import { createKafka } from '../core/kafka.ts';
import { createRegistry } from '../core/registry.ts';
import { startProcessor } from '../core/runtime/processor-runtime.ts';
import { produceAll } from '../cli/synthetic-data.ts';
import { applyTopics } from '../schemas/apply.ts';
import { RecordEncoder } from '../schemas/record-encoder.ts';
import type { NewsRaw } from '../schemas/records.ts';
import { analyze, classified } from '../streams/classify/analyze.ts';
import { classifyComponent, RUNS_PER_WINDOW } from '../streams/classify/component.ts';
import { ClassifyConfig } from '../streams/classify/config.ts';
import { BertTokenizer } from '../streams/classify/model/bert-tokenizer.ts';
import { loadSentimentModel, MODELS_DIR, type LoadedModel } from '../streams/classify/model/sentiment-model.ts';
import type { SentimentModel } from '../streams/classify/sentiment.ts';
import { TickerExtractor } from '../streams/classify/tickers/extract-tickers.ts';
import { loadSymbolDirectory } from '../streams/classify/tickers/symbol-directory.ts';
import { readHeldOut } from '../streams/classify/model/held-out.ts';
import { flopsPerHeadline, modelShape } from '../streams/classify/model/model-cost.ts';
import { runTorchPeer, torchMissing } from './torch-peer.ts';
import { brokerPid, cpuText, cpuWatch, type CpuUse } from './cpu-use.ts';
import { verdict } from './verdict.ts';
import { startedTaskCount, tasksStarted } from './tasks-started.ts';
import { lastCommitWatch } from './last-commit.ts';
import { topicName } from '../schemas/catalog.ts';

// The shipped compact model (compact-finsent) on the PhraseBank held-out sentences x ROUNDS,
// all in one run, at the classify processor's default settings (config.ts: 2 threads, runs of
// 32 sorted by length inside windows of 8 runs):
//   bare session   loadSentimentModel alone, headlines/s and the GFLOP/s that is;
//   processor      the classify processor --once from a pre-filled news.raw topic to
//                  news.classified committed; target >= 0.85x the bare session;
//   PyTorch peer   the same weights in PyTorch (bench/peers/torch_classify.py), batched as a
//                  Hugging Face pipeline does; target: ops-pipeline batched >= 5x it. The peer
//                  also times a float GEMM of a batch's shape through OpenBLAS at the same threads, the
//                  machine's float ceiling (near the CPU's FMA peak when the machine is quiet).
// One at a time is shown as information. A transformer's cost is arithmetic on every token,
// so what matters is how near the arithmetic ceiling the model runs and how little the
// processor adds on top; the old "batched >= 3x one at a time" target cannot be met on 2 cores.

// Six rounds: the processor's last transaction weighs on a shorter run as it does not on a
// stream. Its start (the group join, its tasks started) and its stop (leaving the group after
// its last commit) are timed apart.
const ROUNDS = Number(process.env.BENCH_CLASSIFY_ROUNDS ?? 6);
const IDLE_EXIT_MS = 500;
const DEFAULTS = ClassifyConfig.parse({});
const BATCH = DEFAULTS.batchSize;
const THREADS = DEFAULTS.modelThreads;
const WINDOW = BATCH * RUNS_PER_WINDOW;

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
const n0 = (x: number) => Math.round(x).toLocaleString('en');

async function rate(model: LoadedModel, texts: string[], callSize: number): Promise<number> {
  await model.classify(texts.slice(0, callSize)); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < texts.length; i += callSize) await model.classify(texts.slice(i, i + callSize));
  return texts.length / seconds(started);
}

/**
 * The model, timed: the time at least one call was running (tasks call it concurrently, and
 * their calls take turns on the one thread), its calls, and when the first began and the last ended.
 */
function timed(model: SentimentModel): SentimentModel & { seconds: number; calls: number; first?: bigint; last?: bigint } {
  let running = 0;
  let busySince = 0n;
  const t = {
    version: model.version,
    seconds: 0,
    calls: 0,
    first: undefined as bigint | undefined,
    last: undefined as bigint | undefined,
    async classify(texts: readonly string[]) {
      const started = process.hrtime.bigint();
      t.first ??= started;
      if (running++ === 0) busySince = started;
      try {
        return await model.classify(texts);
      } finally {
        t.last = process.hrtime.bigint();
        if (--running === 0) t.seconds += Number(t.last - busySince) / 1e9;
        t.calls++;
      }
    },
  };
  return t;
}

function newsItems(texts: readonly string[]): NewsRaw[] {
  const t0 = Date.UTC(2024, 0, 2, 14, 30);
  return texts.map((title, i) => ({
    event_uid: `bench-classify-${i}`.padEnd(64, 'x'),
    published_at: t0 + i * 1000,
    source: 'https://bench.example/rss',
    title,
    link: `https://bench.example/news/${i}`,
    summary: null,
    fetched_at: t0 + i * 1000 + 30_000,
  }));
}

export default async function classifyBench(): Promise<void> {
  const dir = join(MODELS_DIR, 'compact-finsent');
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const texts = readHeldOut(dir).map((r) => r.sentence);
  const all = Array.from({ length: ROUNDS }, () => texts).flat();
  const tokenizer = BertTokenizer.fromVocabFile(join(dir, 'vocab.txt'), Number(config.max_length ?? 128));
  const meanTokens = texts.reduce((s, t) => s + tokenizer.encode(t).ids.length, 0) / texts.length;
  const shape = modelShape(config);
  const flops = flopsPerHeadline(meanTokens, shape);
  const gflops = (perSecond: number) => (perSecond * flops) / 1e9;

  const model = await loadSentimentModel(dir, { threads: THREADS, runSize: BATCH });
  console.log(`  load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores (the machine is shared: figures measured under load are lower)`);
  console.log(`  model ${model.version}, ${all.length} headlines (PhraseBank held-out sentences x ${ROUNDS}), ${THREADS} threads, runs of ${BATCH} in windows of ${WINDOW}`);
  console.log(
    `  ${meanTokens.toFixed(1)} tokens a headline on average: ${(flops / 1e6).toFixed(0)} MFLOP a headline (${shape.layers} layers, ${shape.hidden} wide, ${shape.intermediate} feed-forward, from config.json)`,
  );

  // 1. The bare session, batched as the processor batches, and one at a time.
  const broker = await brokerPid();
  const bareCpu = cpuWatch(broker);
  const bare = await rate(model, all, WINDOW);
  const bareCpuUse = bareCpu();
  const single = await rate(model, texts, 1);
  const onnxLabels = (await model.classify(texts)).map((s) => s.label);

  // 2. The processor, from a pre-filled news.raw to news.classified committed.
  const conn = loadConnections({});
  const prefix = `bench-${randomBytes(4).toString('hex')}.`;
  const kafka = createKafka(conn.kafka, 'bench-classify');
  const admin = kafka.admin();
  const registry = createRegistry(conn.registry);
  await admin.connect();
  await applyTopics(admin, registry, prefix);
  let processor: { cpuUse: CpuUse; start: number; whole: number; rate: number; classified: number; total: number; stop: number; startup: number; modelSeconds: number; calls: number; steady: number; tail: number };
  const raws = newsItems(all);
  const encoder = new RecordEncoder(registry, prefix);
  try {
    await produceAll(kafka, encoder, 'newsRaw', [raws]);
    const m = timed(model);
    const before = await startedTaskCount();
    const procConfig = ClassifyConfig.parse({ idleExitMs: IDLE_EXIT_MS });
    const watch = await lastCommitWatch(admin, `${prefix}${procConfig.groupId}`, [topicName('newsRaw', prefix)]);
    const launched = process.hrtime.bigint();
    const p = await startProcessor(classifyComponent, procConfig, { connections: conn, prefix, candleInterval: '1m' }, { once: true, options: { sentimentModel: m } });
    await tasksStarted(admin, [topicName('newsRaw', prefix)], before);
    const started = process.hrtime.bigint();
    const cpu = cpuWatch(broker);
    // The watch stops polling however the processor ends: its admin is disconnected after.
    const summary = await p.done.finally(() => watch.stop());
    const stopped = seconds(started) - IDLE_EXIT_MS / 1000;
    const committedAt = await watch.at;
    const cpuUse = cpu();
    if (committedAt === undefined) throw new Error('the classify processor stopped before committing all of news.raw');
    const total = Number(committedAt - started) / 1e9;
    const at = (t: bigint | undefined) => (t === undefined ? 0 : Number(t - started) / 1e9);
    processor = {
      cpuUse,
      start: Number(started - launched) / 1e9,
      whole: summary.classified / (Number(committedAt - launched) / 1e9),
      rate: summary.classified / total,
      classified: summary.classified,
      total,
      stop: stopped - total,
      startup: at(m.first),
      modelSeconds: m.seconds,
      calls: m.calls,
      steady: summary.classified / (at(m.last) - at(m.first)),
      tail: total - at(m.last),
    };
  } finally {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics({ topics: mine }).catch(() => {});
    await admin.disconnect();
  }

  // Where the processor's time goes beside the model, in memory on the same items: decoding
  // the Avro values, the rules (tickers, event type, urgency, story key) with the output record.
  const messages = await encoder.messages('newsRaw', raws);
  const codec = new AvroCodec(registry);
  let started = process.hrtime.bigint();
  const decoded: NewsRaw[] = [];
  for (const msg of messages) decoded.push(await codec.decode<NewsRaw>(msg.value as Buffer));
  const decodeSeconds = seconds(started);
  const tickers = new TickerExtractor(loadSymbolDirectory(DEFAULTS.symbols));
  started = process.hrtime.bigint();
  const analyses = decoded.map((raw) => analyze(raw, tickers));
  const rulesSeconds = seconds(started);
  started = process.hrtime.bigint();
  const sentiment = { label: 'neutral' as const, score: 0.5 };
  decoded.forEach((raw, i) => classified(raw, analyses[i]!, sentiment, model.version, 0));
  const recordSeconds = seconds(started);
  // The machine is shared: each ratio's baseline is the bare session measured right before and
  // right after the figure it divides, so both see about the same load.
  const bareAfter = await rate(model, all, WINDOW);
  const procBase = (bare + bareAfter) / 2;

  const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;
  verdict({ bench: 'classify', figure: 'bare session, batched', value: bare, unit: 'headlines/s', detail: `${gflops(bare).toFixed(1)} GFLOP/s` });
  verdict({ bench: 'classify', figure: 'bare session, one at a time', value: single, unit: 'headlines/s', detail: `${gflops(single).toFixed(1)} GFLOP/s; batched / one at a time ${(bare / single).toFixed(2)}x` });
  const other = processor.total - processor.modelSeconds;
  verdict({
    bench: 'classify',
    figure: 'processor / bare session',
    value: processor.rate / procBase,
    unit: 'x',
    target: { op: '>=', bound: 0.85 },
    detail: `${n0(processor.rate)} vs ${n0(procBase)} headlines/s (bare before ${n0(bare)}, after ${n0(bareAfter)}), ${processor.classified} of ${all.length} classified and committed in ${processor.total.toFixed(2)} s after its start (group join, ${ms(processor.start)}; leaving the group after, ${ms(processor.stop)}); ${n0(processor.whole)} headlines/s with the start, ${n0(processor.steady)} from the first model call to the last`,
    why:
      `of ${processor.total.toFixed(2)} s, ${ms(processor.startup)} before the first model call (first fetch), model ${ms(processor.modelSeconds)} in ${processor.calls} calls` +
      ` (bare: ${ms(all.length / bare)}), ${ms(processor.tail)} after the last (its batch's last transaction); the rest ${ms(other - processor.startup - processor.tail)} holds decode ${ms(decodeSeconds)},` +
      ` rules (tickers, event type, urgency) ${ms(rulesSeconds)}, the output record with its story key (SimHash: sha256 of each word and word pair) ${ms(recordSeconds)}` +
      ` (measured apart), produce and commit; over its run ${cpuText(processor.cpuUse)} (over the bare session's, ${cpuText(bareCpuUse, 'it')})`,
  });

  // 3 and 4. The PyTorch peer and the float GEMM ceiling.
  const missing = torchMissing();
  if (missing) {
    console.log(`  PyTorch peer skipped: install python3-torch libopenblas0-pthread (${missing})`);
    await model.close();
    return;
  }
  const peer = await runTorchPeer(texts, onnxLabels, { rounds: ROUNDS, threads: THREADS, batch: BATCH });
  const bareAfterPeer = await rate(model, all, WINDOW);
  await model.close();
  const peerBase = (bareAfter + bareAfterPeer) / 2;
  verdict({
    bench: 'classify',
    figure: 'PyTorch, HF-style batches',
    value: peer.unsorted_per_s,
    unit: 'headlines/s',
    detail: `${gflops(peer.unsorted_per_s).toFixed(1)} GFLOP/s; torch ${peer.torch}, ${peer.threads} threads, batches of ${BATCH} in input order; labels agree with ONNX ${(peer.agreement_unsorted * 100).toFixed(1)} %`,
  });
  verdict({
    bench: 'classify',
    figure: 'PyTorch, sorted by length',
    value: peer.sorted_per_s,
    unit: 'headlines/s',
    detail: `${gflops(peer.sorted_per_s).toFixed(1)} GFLOP/s; labels agree with ONNX ${(peer.agreement_sorted * 100).toFixed(1)} %`,
  });
  verdict({
    bench: 'classify',
    figure: 'float GEMM ceiling (OpenBLAS)',
    value: peer.gemm_gflops,
    unit: 'GFLOP/s',
    detail: `${peer.gemm_shape.join(' x ')} sgemm, ${peer.threads} threads; bare session batched (measured beside it) ${((gflops(peerBase) / peer.gemm_gflops) * 100).toFixed(0)} % of it, one at a time ${((gflops(single) / peer.gemm_gflops) * 100).toFixed(0)} %`,
  });
  verdict({
    bench: 'classify',
    figure: 'ops-pipeline batched / PyTorch HF',
    value: peerBase / peer.unsorted_per_s,
    unit: 'x',
    target: { op: '>=', bound: 5 },
    detail: `${n0(peerBase)} vs ${n0(peer.unsorted_per_s)} headlines/s (bare before ${n0(bareAfter)}, after ${n0(bareAfterPeer)}); vs PyTorch sorted ${(peerBase / peer.sorted_per_s).toFixed(2)}x`,
    why:
      `HF-style batches in input order pad to ${peer.padded_tokens_unsorted.toFixed(1)} tokens a headline (sorted: ${peer.padded_tokens_sorted.toFixed(1)}, mean ${meanTokens.toFixed(1)}), so PyTorch does` +
      ` ${(flopsPerHeadline(peer.padded_tokens_unsorted, shape) / flops).toFixed(2)}x the arithmetic; counting its padding it runs at` +
      ` ${(((peer.unsorted_per_s * flopsPerHeadline(peer.padded_tokens_unsorted, shape)) / 1e9 / peer.gemm_gflops) * 100).toFixed(0)} % of the float GEMM ceiling, the bare session (useful FLOPs only) at` +
      ` ${((gflops(peerBase) / peer.gemm_gflops) * 100).toFixed(0)} %; the rest of the gap is the two engines' float kernels`,
  });
}
