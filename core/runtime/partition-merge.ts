// Merges records from many topic-partitions into one stream in event-time order, keeping
// each partition's own offset order: a k-way merge over the partitions' heads. A record is
// released only when no partition can still deliver something earlier: every partition that
// is not caught up must have a buffered head. So a backlog read one partition at a time
// still reaches the engine interleaved as it happened, and offsets are released in order
// per partition (what is committed is exactly what the engine has seen).

export interface MergeItem<T> {
  source: string;
  offset: bigint;
  eventTime: number;
  value: T;
}

/** One partition's buffered records; `head` moves instead of shifting (a shift copies a long queue). */
class SourceQueue<T> {
  items: Array<MergeItem<T>> = [];
  head = 0;
  caughtUp = false;
  constructor(readonly source: string) {}

  get length(): number {
    return this.items.length - this.head;
  }

  peek(): MergeItem<T> | undefined {
    return this.items[this.head];
  }

  take(): MergeItem<T> {
    const item = this.items[this.head++]!;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export class PartitionMerge<T> {
  private readonly bySource = new Map<string, SourceQueue<T>>();
  /** The same queues, sorted by source name: ties in event time go to the first. */
  private queues: Array<SourceQueue<T>> = [];

  /** Declares the partitions to wait for (the assignment). */
  assign(sources: Iterable<string>): void {
    for (const s of sources) this.queue(s);
  }

  add(item: MergeItem<T>): void {
    this.queue(item.source).items.push(item);
  }

  /** Whether the partition has delivered everything up to its high watermark. */
  setCaughtUp(source: string, caughtUp: boolean): void {
    this.queue(source).caughtUp = caughtUp;
  }

  /** Releases, in order, every record no partition can precede any more. `all` drains everything. */
  drain(all = false): Array<MergeItem<T>> {
    const out: Array<MergeItem<T>> = [];
    const queues = this.queues;
    for (;;) {
      let best: SourceQueue<T> | undefined;
      let bestTime = Infinity;
      for (let i = 0; i < queues.length; i++) {
        const q = queues[i]!;
        const head = q.peek();
        if (!head) {
          if (!all && !q.caughtUp) return out;
          continue;
        }
        if (!best || head.eventTime < bestTime) {
          best = q;
          bestTime = head.eventTime;
        }
      }
      if (!best) return out;
      out.push(best.take());
    }
  }

  /** The offset of the source's first record still waiting, if any. */
  headOffset(source: string): bigint | undefined {
    return this.bySource.get(source)?.peek()?.offset;
  }

  /** Whether the merge waits on the source: nothing buffered from it and not caught up. */
  waitsFor(source: string): boolean {
    const q = this.bySource.get(source);
    return !!q && q.length === 0 && !q.caughtUp;
  }

  hasBuffered(source: string): boolean {
    return this.queued(source) > 0;
  }

  /** Records waiting in one partition's queue. */
  queued(source: string): number {
    return this.bySource.get(source)?.length ?? 0;
  }

  get buffered(): number {
    let n = 0;
    for (const q of this.queues) n += q.length;
    return n;
  }

  private queue(source: string): SourceQueue<T> {
    let q = this.bySource.get(source);
    if (!q) {
      this.bySource.set(source, (q = new SourceQueue<T>(source)));
      this.queues = [...this.queues, q].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
    }
    return q;
  }
}
