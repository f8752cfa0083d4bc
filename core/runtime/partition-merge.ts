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

export class PartitionMerge<T> {
  private readonly queues = new Map<string, Array<MergeItem<T>>>();
  /** Partitions with nothing more to deliver now (at their high watermark). */
  private readonly caughtUp = new Set<string>();

  /** Declares the partitions to wait for (the assignment). */
  assign(sources: Iterable<string>): void {
    for (const s of sources) if (!this.queues.has(s)) this.queues.set(s, []);
  }

  add(item: MergeItem<T>): void {
    let q = this.queues.get(item.source);
    if (!q) this.queues.set(item.source, (q = []));
    q.push(item);
  }

  /** Whether the partition has delivered everything up to its high watermark. */
  setCaughtUp(source: string, caughtUp: boolean): void {
    if (caughtUp) this.caughtUp.add(source);
    else this.caughtUp.delete(source);
  }

  /** Releases, in order, every record no partition can precede any more. `all` drains everything. */
  drain(all = false): Array<MergeItem<T>> {
    const out: Array<MergeItem<T>> = [];
    for (;;) {
      let best: { source: string; item: MergeItem<T> } | null = null;
      let blocked = false;
      for (const [source, q] of this.queues) {
        const head = q[0];
        if (!head) {
          if (!all && !this.caughtUp.has(source)) blocked = true;
          continue;
        }
        if (!best || head.eventTime < best.item.eventTime || (head.eventTime === best.item.eventTime && source < best.source)) best = { source, item: head };
      }
      if (!best || blocked) return out;
      this.queues.get(best.source)!.shift();
      out.push(best.item);
    }
  }

  /** The offset of the source's first record still waiting, if any. */
  headOffset(source: string): bigint | undefined {
    return this.queues.get(source)?.[0]?.offset;
  }

  hasBuffered(source: string): boolean {
    return this.queued(source) > 0;
  }

  /** Records waiting in one partition's queue. */
  queued(source: string): number {
    return this.queues.get(source)?.length ?? 0;
  }

  get buffered(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }
}
