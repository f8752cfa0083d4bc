import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AvroCodec } from '../../../core/avro-codec.ts';
import { createKafka } from '../../../core/kafka.ts';
import { logger } from '../../../core/log.ts';
import { createRegistry } from '../../../core/registry.ts';
import { topicName } from '../../../schemas/catalog.ts';
import type { ClassifyConfig } from '../../classify/config.ts';
import { runBacktest, type BacktestOptions } from '../backtest.ts';
import type { BacktestReplay } from '../backtest-replay.ts';
import { classifyOnce } from './classify-once.ts';
import { compareLabels, type LabelComparison } from './label-changes.ts';
import { metricDiff, type MetricRow } from './metric-diff.ts';
import { modelFolderHash } from './model-folder-hash.ts';
import { modelSwapMarkdown } from './model-swap-report.ts';
import { readNewsRawRange } from './news-raw-range.ts';
import { scratchPrefix } from './scratch-prefix.ts';
import { prepareScratchTopics } from './scratch-topics.ts';
import { compareSignals, type SignalChanges } from './signal-changes.ts';

// `backtest --model DIR`: a model swap judged by trading. The live backtest first (it says which
// news it read, warm-up included); that range of news.raw classified again with the candidate
// into scratch topics, never the live ones; the backtest again over the same candles with the
// scratch news.classified; then model-swap.md beside the two backtests' own folders.

export type ModelSwapOptions = Omit<BacktestOptions, 'newsPrefix' | 'onReplay'> & {
  /** The candidate model folder (model.onnx, vocab.txt, config.json). */
  modelDir: string;
  /** The deployment's classify section: the candidate runs with it, only the model folder swapped. */
  classify: ClassifyConfig;
};

export interface ModelSwapResult {
  scratchPrefix: string;
  /** Whether this run copied the range into the scratch news.raw, or found an earlier run's copy. */
  scratch: 'copied' | 'reused';
  labels: LabelComparison;
  signals: SignalChanges;
  metrics: MetricRow[];
}

const modelsOf = (r: BacktestReplay) => {
  const m = new Map<string, number>();
  for (const n of r.news) m.set(n.model_version, (m.get(n.model_version) ?? 0) + 1);
  return m;
};

async function replay(o: BacktestOptions): Promise<{ stats: unknown; replay: BacktestReplay }> {
  let seen: BacktestReplay | undefined;
  const { stats } = await runBacktest({ ...o, onReplay: (r) => (seen = r) });
  if (!seen) throw new Error('the backtest ended without reporting its replay');
  return { stats, replay: seen };
}

export async function runModelSwap(o: ModelSwapOptions): Promise<ModelSwapResult> {
  const { modelDir, classify, outDir, ...backtest } = o;
  const log = logger('model-swap');
  // Before any replay: a folder that is not a model fails now, not after the live backtest.
  const modelHash = modelFolderHash(modelDir);

  const live = await replay({ ...backtest, outDir: join(outDir, 'live') });

  const kafka = createKafka(o.connections.kafka, 'model-swap');
  const registry = createRegistry(o.connections.registry);
  const range = await readNewsRawRange(kafka, new AvroCodec(registry), o.prefix, live.replay.newsFrom, o.to);
  const prefix = scratchPrefix(o.prefix, { modelHash, from: live.replay.newsFrom, to: o.to, rangeDigest: range.digest, symbols: classify.symbols });
  const scratch = await prepareScratchTopics(kafka, registry, prefix, range.messages);
  log.info({ scratchPrefix: prefix, records: range.messages.length, scratch }, 'classifying the range again with the candidate model');
  await classifyOnce({ connections: o.connections, prefix, candleInterval: o.candleInterval }, { ...classify, modelDir });

  const candidate = await replay({ ...backtest, newsPrefix: prefix, outDir: join(outDir, 'candidate') });

  const labels = compareLabels(live.replay.news, candidate.replay.news);
  const signals = compareSignals(live.replay.signals, candidate.replay.signals);
  const metrics = metricDiff(live.stats, candidate.stats);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'model-swap.md'),
    modelSwapMarkdown({
      from: o.from,
      to: o.to,
      newsFrom: live.replay.newsFrom,
      liveTopic: topicName('newsClassified', o.prefix),
      candidateTopic: topicName('newsClassified', prefix),
      modelHash,
      liveModels: modelsOf(live.replay),
      candidateModels: modelsOf(candidate.replay),
      labels,
      signals: { ...signals, live: live.replay.signals.length, candidate: candidate.replay.signals.length },
      metrics,
    }),
  );
  return { scratchPrefix: prefix, scratch, labels, signals, metrics };
}
