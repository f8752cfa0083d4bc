import { counter, gauge, histogram, LATENCY_BUCKETS } from '../../core/metrics.ts';
import type { ProcessorDefinition, TaskProcessor } from '../../core/runtime/component.ts';
import type { InputRecord } from '../../core/runtime/input-record.ts';
import { repartition } from '../../core/runtime/repartition.ts';
import type { Candle, NewsClassified } from '../../schemas/records.ts';
import { SignalsConfig, type SignalRules } from './config.ts';
import { SignalEngine } from './engine.ts';
import { eventTimeOf, type EngineInput } from './inputs.ts';
import { candleInput, newsInput } from './to-input.ts';

// signals: news.classified + market.candles → signals, in two stages. `by-ticker` repartitions
// the news by ticker (an item naming three tickers becomes three records) into an internal topic
// with as many partitions as market.candles; `engine` then joins partition p of both in event
// time, one deterministic engine (and one watermark) per task, its state in the task's
// changelog. Which instance runs a task, and when tasks move, changes no signal.

const inputsIn = counter('signals_inputs_total', 'Inputs the signals engine took', ['kind']);
const lateInputs = counter('signals_late_inputs_total', 'Inputs refused as later than the allowed lateness');
const storyCopies = counter('signals_story_copies_total', 'News items a ticker does not count: copies of a story an earlier item told');
const signalsOut = counter('signals_produced_total', 'Signals produced', ['action']);
const watermarkGauge = gauge('signals_watermark_seconds', 'Event-time watermark of a signals task (epoch seconds)', ['task']);
const e2eLatency = histogram('signals_end_to_end_seconds', 'Signal event time to produced, seconds', [], [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 86400]);
const barCloseLatency = histogram(
  'signals_bar_close_to_signal_seconds',
  'Bar close (the signal\'s ts) to the signal produced, less signals.rules.allowedLatenessSeconds, seconds',
  [],
  LATENCY_BUCKETS,
);

export interface SignalsSummary {
  inputs: number;
  late: number;
  signals: number;
}

class EngineTask implements TaskProcessor<EngineInput> {
  private readonly engine: SignalEngine;

  constructor(
    private readonly rules: SignalRules,
    private readonly task: string,
    private readonly summary: SignalsSummary,
  ) {
    this.engine = new SignalEngine(rules);
  }

  restore(entries: ReadonlyMap<string, unknown>): void {
    this.engine.restore(entries);
  }

  process(inputs: EngineInput[], out: Parameters<TaskProcessor['process']>[1]): void {
    const now = Date.now();
    const copiesBefore = this.engine.stats.storyCopies;
    // Counted here, added to the metrics once per batch: a labelled inc per input costs as
    // much as a tenth of the engine's own work.
    let news = 0;
    let late = 0;
    for (const input of inputs) {
      const pushed = this.engine.push(input);
      if (input.kind === 'news') news++;
      if (pushed.late) late++;
      for (const s of pushed.signals) {
        out.send('signals', s);
        signalsOut.inc({ action: s.action });
        e2eLatency.observe(Math.max(0, (now - s.ts) / 1000));
        // A bar is decided once the watermark (newest event time less the lateness) passes its close.
        barCloseLatency.observe(Math.max(0, (now - s.ts) / 1000 - this.rules.allowedLatenessSeconds));
        this.summary.signals++;
      }
    }
    this.summary.inputs += inputs.length;
    this.summary.late += late;
    if (news) inputsIn.inc({ kind: 'news' }, news);
    if (inputs.length > news) inputsIn.inc({ kind: 'candle' }, inputs.length - news);
    if (late) lateInputs.inc(late);
    storyCopies.inc(this.engine.stats.storyCopies - copiesBefore);
    if (Number.isFinite(this.engine.watermarkValue)) watermarkGauge.set({ task: this.task }, this.engine.watermarkValue / 1000);
  }

  takeDirty(): string[] {
    return this.engine.takeDirty();
  }

  snapshot(key: string): unknown {
    return this.engine.snapshot(key);
  }
}

interface SignalsResources {
  summary: SignalsSummary;
}

export const signalsComponent: ProcessorDefinition<SignalsConfig, SignalsSummary, SignalsResources> = {
  kind: 'processor',
  name: 'signals',
  description: 'news.classified + market.candles into signals, in event time',
  section: 'signals',
  config: SignalsConfig,
  internalTopics: { 'news-by-ticker': { kind: 'repartition', schema: 'newsClassified', partitionsLike: 'marketCandles' } },
  stages: [
    {
      ...repartition<NewsClassified, SignalsConfig, SignalsResources>({ name: 'by-ticker', from: 'newsClassified', to: 'news-by-ticker', keysOf: (n) => n.tickers }),
      // A classified item the engine cannot use goes to news.classified.dlq here, once, with its offset.
      // One written before story_key existed goes on with the key of its title: the repartition
      // topic's schema has the field, and the engine compares keys.
      prepare: (r: InputRecord): InputRecord<NewsClassified> => {
        const n = r.value as NewsClassified;
        return { ...r, value: { ...n, story_key: newsInput(n).storyKey } };
      },
    },
    {
      name: 'engine',
      inputs: ['news-by-ticker', 'marketCandles'],
      outputs: ['signals'],
      stateful: true,
      // A repartitioned item counts for the ticker it was keyed by: this task's.
      prepare: (r: InputRecord, ctx): EngineInput =>
        r.input === 'marketCandles' ? candleInput(r.value as Candle, ctx.deployment.candleInterval) : { ...newsInput(r.value as NewsClassified), tickers: [r.key!.toString('utf8')] },
      eventTime: eventTimeOf,
      task: (id, ctx) => new EngineTask(ctx.config.rules, `engine_${id.partition}`, ctx.resources.summary),
    },
  ],
  async open() {
    const summary: SignalsSummary = { inputs: 0, late: 0, signals: 0 };
    return { resources: { summary }, summary: () => ({ ...summary }) };
  },
  describe: (s) => `signals: ${s.inputs} inputs, ${s.late} late, ${s.signals} signals produced, ${s.dlq} to DLQ`,
};
