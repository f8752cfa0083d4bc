/** Why a feed could not be read this time; each kind is counted and backed off. */
export type FeedErrorKind = 'network' | 'timeout' | 'http' | 'too-large' | 'xml-entities' | 'malformed' | 'not-a-feed';

export class FeedError extends Error {
  constructor(
    readonly kind: FeedErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FeedError';
  }
}
