import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ConfigError } from '../../../core/errors.ts';
import { REPO_ROOT } from '../../../core/repo-root.ts';
import { DEFAULT_BATCH_SIZE } from '../config.ts';
import type { SentimentModel, SentimentResult } from '../sentiment.ts';
import { BertTokenizer } from './bert-tokenizer.ts';

// Loads a BERT-style sequence-classification model folder (model.onnx with inputs
// input_ids, attention_mask, token_type_ids and output logits; vocab.txt; config.json with
// the label map) and runs it with onnxruntime-node in batches. Without an explicit folder it
// takes models/finbert when a user has exported FinBERT there, else the shipped compact model.

export const MODELS_DIR = join(REPO_ROOT, 'models');
const LABELS = new Set(['positive', 'negative', 'neutral']);

export interface LoadedModel extends SentimentModel {
  dir: string;
  labels: string[];
  close(): Promise<void>;
}

function isModelDir(dir: string): boolean {
  return existsSync(join(dir, 'model.onnx')) && existsSync(join(dir, 'vocab.txt')) && existsSync(join(dir, 'config.json'));
}

export function defaultModelDir(): string {
  const finbert = join(MODELS_DIR, 'finbert');
  return isModelDir(finbert) ? finbert : join(MODELS_DIR, 'compact-finsent');
}

/** Labels by output index, from `labels` (ours) or `id2label` (Hugging Face's config.json). */
function labelMap(config: Record<string, unknown>, dir: string): string[] {
  const map = (config.labels ?? config.id2label) as Record<string, string> | undefined;
  if (!map) throw new ConfigError(`${dir}/config.json has no labels (or id2label) map`);
  const labels = Object.entries(map)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, l]) => l.toLowerCase());
  if (labels.length !== 3 || !labels.every((l) => LABELS.has(l))) throw new ConfigError(`${dir}/config.json labels must be positive, negative, neutral; got ${labels.join(', ')}`);
  return labels;
}

function softmax(row: Float32Array | number[]): number[] {
  const max = Math.max(...row);
  const exps = Array.from(row, (x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export interface ModelRunOptions {
  /**
   * onnxruntime intra-op threads. One short headline gains little from a second thread; a
   * batch uses every thread it is given, which is much of why batching pays.
   */
  threads?: number;
  /** Largest number of texts in one model run; a longer call is split into runs of this size. */
  runSize?: number;
}

/**
 * Orders texts by token count and cuts them into runs of at most `runSize`, so a run pads
 * to a length close to its own texts' instead of the longest text of the whole call (a
 * transformer's cost grows with the padded length, quadratically in attention).
 */
export function runsByLength(lengths: readonly number[], runSize: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const runs: number[][] = [];
  for (let i = 0; i < order.length; i += runSize) runs.push(order.slice(i, i + runSize));
  return runs;
}

export async function loadSentimentModel(dir = defaultModelDir(), opts: ModelRunOptions = {}): Promise<LoadedModel> {
  const threads = opts.threads ?? 2;
  const runSize = opts.runSize ?? DEFAULT_BATCH_SIZE;
  if (!isModelDir(dir)) throw new ConfigError(`${dir} is not a model folder (needs model.onnx, vocab.txt, config.json)`, 'classify.modelDir');
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const labels = labelMap(config, dir);
  const maxLength = Number(config.max_length ?? config.max_position_embeddings ?? 128);
  const tokenizer = BertTokenizer.fromVocabFile(join(dir, 'vocab.txt'), Math.min(maxLength, 512));
  const bytes = readFileSync(join(dir, 'model.onnx'));
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // Memory patterns plan a run's buffers per input shape and keep every plan: with batches of
    // every size and padded length that grew the process by over 100 MiB and saved no time.
    enableMemPattern: false,
    // Idle threads must sleep, not spin: the model shares a small machine with the broker and
    // the other processors.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  for (const name of ['input_ids', 'attention_mask', 'token_type_ids']) {
    if (!session.inputNames.includes(name)) throw new ConfigError(`${dir}/model.onnx has no input ${name} (has ${session.inputNames.join(', ')})`);
  }
  const name = String(config.name ?? config._name_or_path ?? dir.split('/').pop());
  const version = `${name}@${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`;

  return {
    dir,
    labels,
    version,
    async classify(texts: readonly string[]): Promise<SentimentResult[]> {
      const encodings = texts.map((t) => tokenizer.encode(t));
      const results: SentimentResult[] = new Array(texts.length);
      for (const run of runsByLength(encodings.map((e) => e.ids.length), runSize)) {
        const b = tokenizer.padBatch(run.map((i) => encodings[i]!));
        const shape = [run.length, b.length];
        const out = await session.run({
          input_ids: new ort.Tensor('int64', b.inputIds, shape),
          attention_mask: new ort.Tensor('int64', b.attentionMask, shape),
          token_type_ids: new ort.Tensor('int64', b.tokenTypeIds, shape),
        });
        const logits = out.logits!.data as Float32Array;
        run.forEach((textIndex, row) => {
          const probs = softmax(logits.subarray(row * labels.length, (row + 1) * labels.length));
          let best = 0;
          for (let k = 1; k < probs.length; k++) if (probs[k]! > probs[best]!) best = k;
          results[textIndex] = { label: labels[best] as SentimentResult['label'], score: probs[best]! };
        });
      }
      return results;
    },
    close: () => session.release(),
  };
}
