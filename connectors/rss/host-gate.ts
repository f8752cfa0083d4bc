// Politeness per host: at most `concurrency` requests to one host at a time, and their starts
// at least `spacingMs` apart, however many of its feeds are due (Miniflux's per-host limits).
// Each request of a redirect chain passes the gate of its own host and leaves it before the
// next hop, so two chains that cross hosts cannot wait on each other.

export interface HostRules {
  concurrency: number;
  spacingMs: number;
}

export interface HostLoad {
  inFlight: number;
  /** When the last request to the host started (the gate's clock); -Infinity before the first. */
  lastStartAt: number;
}

/** When the next request to a host may start: a time (now or later), or null while every slot is taken. */
export function nextStartAt(host: HostLoad, rules: HostRules, now: number): number | null {
  if (host.inFlight >= rules.concurrency) return null;
  return Math.max(now, host.lastStartAt + rules.spacingMs);
}

/** The host a request goes to (name and port): what the gate counts per. */
export function hostOf(url: string): string {
  return new URL(url).host.toLowerCase();
}

/** Items in an order that alternates hosts, so `concurrency` workers do not all wait on one host. */
export function interleaveByHost<T>(items: readonly T[], urlOf: (item: T) => string): T[] {
  const byHost = new Map<string, T[]>();
  for (const item of items) {
    const host = hostOf(urlOf(item));
    byHost.set(host, [...(byHost.get(host) ?? []), item]);
  }
  const queues = [...byHost.values()];
  const out: T[] = [];
  for (let i = 0; out.length < items.length; i++) for (const q of queues) if (i < q.length) out.push(q[i]!);
  return out;
}

/** Thrown by `acquire` when its signal aborts (the source is stopping) while it waits. */
export class GateWaitAborted extends Error {
  constructor() {
    super('stopped while waiting for the host');
    this.name = 'GateWaitAborted';
  }
}

interface HostQueue extends HostLoad {
  /** Starts are granted one at a time, in arrival order. */
  turn: Promise<void>;
  /** Wakes the request waiting for a free slot. */
  onRelease?: () => void;
}

export class HostGate {
  private readonly hosts = new Map<string, HostQueue>();

  constructor(
    private readonly rules: HostRules,
    /** Monotonic, not the source's injectable wall clock: spacing is real time between requests. */
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Waits until a request to `url`'s host may start; call the returned function when it is done. */
  async acquire(url: string, signal?: AbortSignal): Promise<() => void> {
    const host = hostOf(url);
    let q = this.hosts.get(host);
    if (!q) this.hosts.set(host, (q = { inFlight: 0, lastStartAt: -Infinity, turn: Promise.resolve() }));
    const queue = q;
    const mine = queue.turn.then(() => this.waitForStart(queue, signal));
    queue.turn = mine.catch(() => {});
    await mine;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      queue.inFlight--;
      queue.onRelease?.();
    };
  }

  private async waitForStart(q: HostQueue, signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new GateWaitAborted();
      const now = this.clock();
      const at = nextStartAt(q, this.rules, now);
      if (at !== null && at <= now) break;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          if (q.onRelease === done) delete q.onRelease;
          resolve();
        };
        const timer = at === null ? undefined : setTimeout(done, at - now);
        if (at === null) q.onRelease = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    }
    q.inFlight++;
    q.lastStartAt = this.clock();
  }
}
