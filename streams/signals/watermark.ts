// Event-time progress: the newest event time seen on any input (news or candles) minus the
// allowed lateness, only ever moving forward. A record older than that is late. Taking the
// newest of all inputs (not the slowest) means a quiet input — no news for an hour — never
// holds decisions back: what the engine decides depends only on the records and the lateness,
// so replays are deterministic as long as no record arrives later than the lateness allows.

export type Stream = 'news' | 'candle';

export class Watermark {
  private current = Number.NEGATIVE_INFINITY;

  constructor(private readonly latenessMs: number) {}

  /** Records an event time; returns the (possibly advanced) watermark. */
  observe(_stream: Stream, eventTime: number): number {
    const candidate = eventTime - this.latenessMs;
    if (candidate > this.current) this.current = candidate;
    return this.current;
  }

  get value(): number {
    return this.current;
  }

  /** A watermark restored from a task's state. */
  restore(value: number): void {
    this.current = value;
  }

  /** End of input (a replay's end): everything seen is final. */
  close(): number {
    this.current = Number.POSITIVE_INFINITY;
    return this.current;
  }
}
