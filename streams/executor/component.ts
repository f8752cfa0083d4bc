import { counter } from '../../core/metrics.ts';
import type { ProcessorDefinition, TaskProcessor } from '../../core/runtime/component.ts';
import type { InputRecord } from '../../core/runtime/input-record.ts';
import { candleProblem, signalProblem, usable } from '../../schemas/record-checks.ts';
import type { Candle, Signal } from '../../schemas/records.ts';
import { ExecutorConfig } from './config.ts';
import { PaperBook } from './paper-book.ts';

// The paper executor: PENDING signals filled at the next bar's open or cancelled after a TTL,
// written back to `signals` as status updates (same signal_id) that the sink turns into
// EXECUTED / CANCELLED rows. One book per task: partition p of `signals` and of market.candles
// (both keyed by ticker, with one partition count), its state in the task's changelog.

const updates = counter('executor_updates_total', 'Signal status updates produced by the paper executor', ['status']);

export interface ExecutorSummary {
  executed: number;
  cancelled: number;
}

type BookInput = { signal: Signal } | { candle: Candle };

class BookTask implements TaskProcessor<BookInput> {
  private readonly book: PaperBook;

  constructor(
    config: ExecutorConfig,
    private readonly summary: ExecutorSummary,
  ) {
    this.book = new PaperBook({ positionSize: config.positionSize, ttlMs: config.ttlMinutes * 60_000, latenessMs: config.allowedLatenessMinutes * 60_000 });
  }

  restore(entries: ReadonlyMap<string, unknown>): void {
    this.book.restore(entries);
  }

  process(items: BookInput[], out: Parameters<TaskProcessor['process']>[1]): void {
    for (const item of items) {
      for (const u of 'signal' in item ? this.book.onSignal(item.signal) : this.book.onCandle(item.candle)) {
        out.send('signals', u);
        updates.inc({ status: u.status });
        if (u.status === 'EXECUTED') this.summary.executed++;
        else this.summary.cancelled++;
      }
    }
  }

  takeDirty(): string[] {
    return this.book.takeDirty();
  }

  snapshot(key: string): unknown {
    return this.book.snapshot(key);
  }
}

interface ExecutorResources {
  summary: ExecutorSummary;
}

export const executorComponent: ProcessorDefinition<ExecutorConfig, ExecutorSummary, ExecutorResources> = {
  kind: 'processor',
  name: 'executor',
  description: 'paper execution of PENDING signals (status updates to signals)',
  section: 'executor',
  config: ExecutorConfig,
  stages: [
    {
      name: 'book',
      inputs: ['signals', 'marketCandles'],
      outputs: ['signals'],
      stateful: true,
      prepare: (r: InputRecord, ctx): BookInput =>
        r.input === 'signals' ? { signal: usable(r.value as Signal, signalProblem) } : { candle: usable(r.value as Candle, (c) => candleProblem(c, ctx.deployment.candleInterval)) },
      task: (_id, ctx) => new BookTask(ctx.config, ctx.resources.summary),
    },
  ],
  async open() {
    const summary: ExecutorSummary = { executed: 0, cancelled: 0 };
    return { resources: { summary }, summary: () => ({ ...summary }) };
  },
  describe: (s) => `executor: ${s.executed} executed, ${s.cancelled} cancelled, ${s.dlq} to DLQ`,
};
