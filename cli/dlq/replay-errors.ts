import { OpsPipelineError } from '../../core/errors.ts';
import type { ReplayedRecord } from './replay.ts';

// How a replay can stop part-way. What it committed before stays replayed (each record with
// its marker), and a replay run again sends only the rest.

/** Another `dlq replay` of the same DLQ started and fenced this one; its open transaction was aborted. */
export class ReplayFencedError extends OpsPipelineError {
  readonly exitCode = 1;
  constructor(
    readonly topic: string,
    readonly replayed: ReplayedRecord[],
    options?: { cause?: unknown },
  ) {
    super(`another dlq replay of ${topic} took over; ${replayed.length} record(s) were replayed before it, the rest by it or by the next replay (dlq list shows which)`, options);
  }
}

/** Kafka refused a replayed record or a transaction (a record too large, a timestamp out of range). */
export class ReplayFailedError extends OpsPipelineError {
  readonly exitCode = 1;
  constructor(
    readonly topic: string,
    readonly replayed: ReplayedRecord[],
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`dlq replay of ${topic} stopped: ${reason}; ${replayed.length} record(s) were replayed before it (their transaction committed), the records of the failed transaction were not`, options);
  }
}
