import { bufferCount, concatMap, from, lastValueFrom, mergeMap, toArray } from 'rxjs';
import { BadRecordError } from '../../core/errors.ts';
import { createdAtOf } from '../../core/created-at.ts';
import { counter, histogram, LATENCY_BUCKETS } from '../../core/metrics.ts';
import type { ProcessorDefinition, StageContext, TaskOutput, TaskProcessor } from '../../core/runtime/component.ts';
import type { InputRecord } from '../../core/runtime/input-record.ts';
import type { NewsClassified, NewsRaw } from '../../schemas/records.ts';
import { analyze, classified } from './analyze.ts';
import { ClassifyConfig } from './config.ts';
import { loadSentimentModel } from './model/sentiment-model.ts';
import type { SentimentModel } from './sentiment.ts';
import { TickerExtractor } from './tickers/extract-tickers.ts';
import { loadSymbolDirectory } from './tickers/symbol-directory.ts';

// classify: news.raw → news.classified, one task per news.raw partition. Each batch's rules run
// per item and the model over windows of headlines sorted by length into runs of `batchSize`;
// the runtime commits the classifications with the batch's offsets in the task's transaction.

/** Model runs per model call: the window inside which headlines are sorted by length. */
export const RUNS_PER_WINDOW = 8;
const itemsIn = counter('classify_items_total', 'News items classified', ['label']);
const modelSeconds = histogram('classify_model_seconds', 'Model time per window of headlines (up to 8 runs of batchSize)', [], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);
const e2eSeconds = histogram('classify_end_to_end_seconds', 'Fetch time of the item to classified, seconds', [], [0.1, 0.5, 1, 5, 15, 60, 300, 3600]);
const stageSeconds = histogram('classify_raw_to_classified_seconds', 'news.raw record created (header ops.created-at) to news.classified produced, seconds', [], LATENCY_BUCKETS);
/** Each item's news.raw create time, from its record's header (prepare sees the record, process the item). */
const rawCreatedAt = new WeakMap<NewsRaw, number>();

export interface ClassifySummary {
  classified: number;
}

export interface ClassifyOptions {
  /** A model already loaded (tests, the demo), instead of the configured folder (`--model DIR` sets that). */
  sentimentModel?: SentimentModel & { close?(): Promise<void> };
  now?: () => number;
}

interface ClassifyResources {
  model: SentimentModel;
  tickers: TickerExtractor;
  now: () => number;
  summary: ClassifySummary;
}

type Ctx = StageContext<ClassifyConfig, ClassifyResources>;

class ClassifyTask implements TaskProcessor<NewsRaw> {
  constructor(private readonly ctx: Ctx) {}

  async process(raws: NewsRaw[], out: TaskOutput): Promise<void> {
    const { config, resources: r } = this.ctx;
    const results: NewsClassified[] = await lastValueFrom(
      from(raws).pipe(
        // The model sorts each window by length into runs of batchSize: headlines of one run
        // then pad to nearly the same length, which is most of what batching a transformer gains.
        bufferCount(config.batchSize * RUNS_PER_WINDOW),
        concatMap(async (window) => {
          const started = process.hrtime.bigint();
          const sentiments = await r.model.classify(window.map((x) => x.title));
          modelSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
          // A large fetched batch through a large model takes a while: stay in the group.
          await out.keepAlive();
          const at = r.now();
          return window.map((x, i) => classified(x, analyze(x, r.tickers), sentiments[i]!, r.model.version, at));
        }),
        mergeMap((items) => items),
        toArray(),
      ),
    );
    const at = r.now();
    for (const c of results) {
      out.send('newsClassified', c);
      itemsIn.inc({ label: c.sentiment_label });
      e2eSeconds.observe(Math.max(0, (at - c.fetched_at) / 1000));
    }
    // The create time is the producer's wall clock, not the injectable one.
    const sent = Date.now();
    for (const raw of raws) {
      const created = rawCreatedAt.get(raw);
      if (created !== undefined) stageSeconds.observe(Math.max(0, (sent - created) / 1000));
    }
    r.summary.classified += results.length;
  }
}

export const classifyComponent: ProcessorDefinition<ClassifyConfig, ClassifySummary, ClassifyResources> = {
  kind: 'processor',
  name: 'classify',
  description: 'news.raw into news.classified: sentiment, tickers, event type, urgency',
  section: 'classify',
  config: ClassifyConfig,
  options: [{ flags: '--model <dir>', description: 'model folder (config classify.modelDir)' }],
  overrides: (o) => (o.model ? { modelDir: o.model } : {}),
  stages: [
    {
      name: 'classify',
      inputs: ['newsRaw'],
      outputs: ['newsClassified'],
      prepare: (r: InputRecord) => {
        const raw = r.value as NewsRaw;
        if (!raw.title?.trim()) throw new BadRecordError('news item without a title');
        const created = createdAtOf(r.headers);
        if (created !== undefined) rawCreatedAt.set(raw, created);
        return raw;
      },
      task: (_id, ctx) => new ClassifyTask(ctx),
    },
  ],
  async open(config, _deployment, options) {
    const o = options as ClassifyOptions;
    const model = o.sentimentModel ?? (await loadSentimentModel(config.modelDir || undefined, { threads: config.modelThreads, runSize: config.batchSize }));
    const summary: ClassifySummary = { classified: 0 };
    return {
      resources: { model, tickers: new TickerExtractor(loadSymbolDirectory(config.symbols)), now: o.now ?? Date.now, summary },
      summary: () => ({ ...summary }),
      close: async () => {
        if (!o.sentimentModel) await (model as { close?(): Promise<void> }).close?.();
      },
    };
  },
  describe: (s) => `classify: ${s.classified} items classified, ${s.dlq} to DLQ`,
};
