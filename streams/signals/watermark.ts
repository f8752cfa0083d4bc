// Event-time progress. Each input stream (news, candles) has a watermark: the newest event
// time seen on it minus the allowed lateness. The engine's watermark is the lower of the two,
// and it only ever moves forward. Until both streams have been seen there is none: nothing
// is decided on one input alone.

export type Stream = 'news' | 'candle';

export class Watermark {
  private readonly newest = new Map<Stream, number>();
  private current = Number.NEGATIVE_INFINITY;

  constructor(private readonly latenessMs: number) {}

  /** Records an event time; returns the (possibly advanced) engine watermark. */
  observe(stream: Stream, eventTime: number): number {
    if (eventTime > (this.newest.get(stream) ?? Number.NEGATIVE_INFINITY)) this.newest.set(stream, eventTime);
    if (this.newest.size === 2) {
      const candidate = Math.min(...this.newest.values()) - this.latenessMs;
      if (candidate > this.current) this.current = candidate;
    }
    return this.current;
  }

  get value(): number {
    return this.current;
  }

  /** End of input (a replay's end): everything seen is final. */
  close(): number {
    this.current = Number.POSITIVE_INFINITY;
    return this.current;
  }
}
