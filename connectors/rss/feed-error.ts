/** Why a feed could not be read this time; each kind is counted and backed off. */
export type FeedErrorKind =
  | 'network'
  | 'timeout'
  | 'http'
  | 'rate-limited'
  | 'too-many-redirects'
  | 'too-large'
  | 'xml-entities'
  | 'malformed'
  | 'not-a-feed';

export interface FeedErrorOptions {
  cause?: unknown;
  /** The HTTP status of the response that failed the poll. */
  status?: number;
  /** How long the publisher asked us to wait (Retry-After on a 429 or 503), ms. */
  retryAfterMs?: number;
}

export class FeedError extends Error {
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(
    readonly kind: FeedErrorKind,
    message: string,
    options: FeedErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'FeedError';
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}
