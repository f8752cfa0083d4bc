import { OpsPipelineError } from '../../core/errors.ts';

// How `explain` ends when it cannot say "this signal, and here is why": codes of their own, so a
// script auditing signals tells a missing signal from one the records no longer give.

/** No record of the signal in the topic searched (another prefix, another ticker, or deleted). */
export class SignalNotFoundError extends OpsPipelineError {
  readonly exitCode = 7;
  constructor(
    readonly signalId: string,
    where: string,
  ) {
    super(`signal ${signalId} is not in ${where}`);
  }
}

/** The signal's decision, derived again from the topics with the configured rules, is not the stored one. */
export class SignalMismatchError extends OpsPipelineError {
  readonly exitCode = 8;
  constructor(
    readonly signalId: string,
    summary: string,
  ) {
    super(`signal ${signalId}: the decision derived again from the topics differs from the stored one (${summary})`);
  }
}
