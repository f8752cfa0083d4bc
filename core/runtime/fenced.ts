import type { Producer } from 'kafkajs';
import { OpsPipelineError } from '../errors.ts';

/**
 * A task's producer was fenced: another instance took the task and initialised a producer under
 * its transactional id (or the coordinator timed our transaction out). What this instance holds
 * of the task is stale; it must not write for it again without starting it over.
 */
export class TaskFencedError extends OpsPipelineError {
  readonly exitCode = 1;
  // Another start of the task (by whoever owns it then) can go on where it stands.
  override readonly retriable = true;
  constructor(
    readonly task: string,
    options?: { cause?: unknown },
  ) {
    super(`task ${task} was fenced: another instance took it, or its transaction timed out`, options);
  }
}

/**
 * A source that writes under one transactional id per deployment (the RSS source) was fenced:
 * another process started under the same id. Only one may run; this one stops rather than fence
 * the other back, and says which id to tell apart (`rss.transactionalId`) if both are meant to run.
 */
export class SourceFencedError extends OpsPipelineError {
  readonly exitCode = 6;
  constructor(
    readonly source: string,
    readonly transactionalId: string,
    options?: { cause?: unknown },
  ) {
    super(`another ${source} source started with transactional id ${transactionalId} and fenced this one; only one runs per topic prefix (stopping)`, options);
  }
}

// INVALID_PRODUCER_EPOCH (47) before Kafka 2.7's PRODUCER_FENCED (90), which kafkajs does not name.
const FENCED_CODES = new Set([47, 90]);
const FENCED_TYPES = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED']);

/** Whether a producer or transaction error means this producer was fenced. */
export function isFenced(err: unknown): boolean {
  let e = err as { type?: string; code?: number; originalError?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; depth < 6 && e && typeof e === 'object'; depth++) {
    if (e instanceof TaskFencedError) return true;
    if ((e.type && FENCED_TYPES.has(e.type)) || (typeof e.code === 'number' && FENCED_CODES.has(e.code))) return true;
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return false;
}

/**
 * Initialises the producer's transactions: InitProducerId under its transactional id, which fences
 * any earlier producer of that id and finishes (commits or aborts) the transaction it left.
 * kafkajs does this at the first transaction, not at connect: a state read before it could
 * miss a commit still completing, or see a zombie's transaction still open.
 */
export async function initTransactions(producer: Producer): Promise<void> {
  await producer.connect();
  const tx = await producer.transaction();
  // Nothing was sent: no EndTxn goes out, the producer is just ready.
  await tx.abort();
}
