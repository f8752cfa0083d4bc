import { OpsPipelineError, ServiceUnreachableError } from './errors.ts';

// Whether a failure is worth another attempt, and whose it was, read off the error itself: our
// typed errors carry `retriable` and `service`; kafkajs' carry `retriable` too. The one retry
// policy (core/retry-policy.ts) and the outage metrics read these; nothing matches messages.

type Chained = Error & { originalError?: unknown; cause?: unknown; retriable?: unknown; name: string };

/** The error and the errors it wraps (kafkajs puts the last attempt's failure in originalError). */
export function* errorChain(err: unknown): Generator<Chained> {
  let e = err as Chained | undefined;
  for (let depth = 0; depth < 6 && e && typeof e === 'object'; depth++) {
    yield e;
    e = (e.originalError ?? e.cause) as Chained | undefined;
  }
}

/**
 * Retrying the same work later may succeed: an outage of Kafka, the registry or PostgreSQL.
 * Not: bad configuration, refused credentials, a bad record (our typed errors say so). A kafkajs
 * error that exhausted kafkajs' own retries is still an outage to us: the session retries after
 * a backoff. An error of no known kind counts as retriable too (the caller logs its stack): a
 * long-running component must not end on a failure it cannot name, and `--once` gives up anyway.
 */
export function isRetriable(err: unknown): boolean {
  for (const e of errorChain(err)) if (e instanceof OpsPipelineError) return e.retriable;
  return true;
}

/** Whether this is a failure of a kind we know (typed, kafkajs, the registry client, node-postgres). */
export function isKnownFailure(err: unknown): boolean {
  for (const e of errorChain(err)) {
    if (e instanceof OpsPipelineError || e.name?.startsWith('KafkaJS') || e.name === 'ResponseError' || e.name === 'RegistryHttpError') return true;
    if (typeof (e as { code?: unknown }).code === 'string') return true;
  }
  return false;
}

const SERVICE_LABELS: Record<string, string> = { 'schema registry': 'registry', PostgreSQL: 'postgres' };

/**
 * The service a failure came from, for the log and the outage metrics: kafka, registry or
 * postgres. A failure of no service we can name is `otherwise`'s: the outside system a sink
 * writes to, or Kafka for everything else.
 */
export function failedService(err: unknown, otherwise = 'kafka'): string {
  for (const e of errorChain(err)) {
    if (e instanceof ServiceUnreachableError) return SERVICE_LABELS[e.service] ?? e.service.toLowerCase();
    // The registry client reports a refused connection or an HTTP error as a ResponseError.
    if (e.name === 'ResponseError' || e.name === 'RegistryHttpError') return 'registry';
    if (e.name?.startsWith('KafkaJS')) return 'kafka';
  }
  return otherwise;
}
