// Typed failures a user must be able to tell apart. Each carries an exit code so the
// CLI can say which kind of failure stopped it without parsing messages.

export abstract class OpsPipelineError extends Error {
  abstract readonly exitCode: number;
  /** Whether trying the same work again later may succeed (an outage), or never will (bad config, bad data). */
  readonly retriable: boolean = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Configuration is missing, malformed or names an unknown key. Fix the config and retry. */
export class ConfigError extends OpsPipelineError {
  readonly exitCode = 2;
  constructor(
    message: string,
    readonly key?: string,
  ) {
    super(key ? `${key}: ${message}` : message);
  }
}

/**
 * A service refused our credentials (SASL, HTTP basic auth, PostgreSQL password) or our TLS
 * certificate check failed: a configuration problem, so the same exit code as ConfigError.
 * The message names the service and address, never the secret.
 */
export class AuthenticationError extends OpsPipelineError {
  readonly exitCode = 2;
  constructor(
    readonly service: string,
    readonly address: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${service} at ${address} refused the connection: ${reason}`, options);
  }
}

/** A service (Kafka, schema registry, PostgreSQL, a feed) could not be reached. Retrying may help. */
export class ServiceUnreachableError extends OpsPipelineError {
  readonly exitCode = 3;
  override readonly retriable = true;
  constructor(
    readonly service: string,
    readonly address: string,
    options?: { cause?: unknown; hint?: string },
  ) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`${service} unreachable at ${address}${cause}${options?.hint ? ` (${options.hint})` : ''}`, options);
  }
}

/** A local service could not be installed or started (Java missing, port taken, download refused). */
export class ServiceStartError extends OpsPipelineError {
  readonly exitCode = 4;
  constructor(
    readonly service: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${service}: ${message}`, options);
  }
}

/** One record cannot be decoded or stored. It goes to the DLQ with this reason; the stream goes on. */
export class BadRecordError extends OpsPipelineError {
  readonly exitCode = 5;
  constructor(
    message: string,
    readonly where?: { topic?: string; partition?: number; offset?: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
