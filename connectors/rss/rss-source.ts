import type { Producer } from 'kafkajs';
import { sendChunked } from '../../core/chunked-send.ts';
import { AvroCodec } from '../../core/avro-codec.ts';
import { backoffMs } from '../../core/backoff.ts';
import { createKafka } from '../../core/kafka.ts';
import { logger } from '../../core/log.ts';
import { counter, gauge, histogram, LATENCY_BUCKETS } from '../../core/metrics.ts';
import { createdAtHeader } from '../../core/created-at.ts';
import { createRegistry } from '../../core/registry.ts';
import type { Deployment, PassOutcome, SourceInstance } from '../../core/runtime/component.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { FeedState, NewsRaw } from '../../schemas/records.ts';
import type { RssConfig } from './config.ts';
import { FeedError } from './feed-error.ts';
import { FeedStateStore, nextFeedState } from './feed-state-store.ts';
import { fetchFeed, type FetchResult } from './fetch-feed.ts';
import { isStale } from './feed-staleness.ts';
import { GateWaitAborted, HostGate, interleaveByHost } from './host-gate.ts';
import { delayAfterAnswer, delayAfterFailure, publisherWaitMs, retryWaitMs, type PollTiming } from './next-poll.ts';
import { initTransactions, isFenced, SourceFencedError } from '../../core/runtime/fenced.ts';
import { parseFeed, type ParsedFeed } from './parse-feed.ts';
import { newsEventTime } from '../../schemas/news-event-time.ts';

// The RSS source: polls each feed on its own schedule, produces new items to news.raw and
// the feed's new state to feeds.state in one Kafka transaction: a crash at any point either
// wrote both or neither, so after a restart no item is skipped and none is produced twice.
// It polls politely: what the publisher asks (Retry-After, cache lifetimes, the feed's TTL, a
// permanent move) is honoured and remembered in feeds.state, and each host has its limits.

const log = logger('rss');
const itemsProduced = counter('rss_items_produced_total', 'New feed items produced to news.raw', ['feed']);
const notModified = counter('rss_not_modified_total', 'Polls answered 304 Not Modified', ['feed']);
const feedErrors = counter('rss_feed_errors_total', 'Failed polls by kind', ['feed', 'kind']);
const undatedItems = counter('rss_unreadable_dates_total', 'Items whose date could not be read (published_at left null)', ['feed']);
const feedMoves = counter('rss_feed_moves_total', 'Permanent redirects (301, 308) that moved a feed to a new URL', ['feed']);
const feedStale = gauge('rss_feed_stale', '1 while the feed has had no new item for rss.staleAfterHours, else 0', ['feed']);
const fetchSeconds = histogram('rss_fetch_seconds', 'Feed fetch and parse time', ['feed']);
const appendedSeconds = histogram('rss_fetch_to_appended_seconds', 'Fetch time of an item to its news.raw record committed, seconds', [], LATENCY_BUCKETS);

export interface RssSourceOptions {
  /** Wall clock, injectable for tests (fetched_at, schedules and staleness; never event time). */
  now?: () => number;
}

export interface PollOutcome {
  feed: string;
  result: 'items' | 'not-modified' | 'error' | 'skipped';
  produced: number;
  error?: FeedError;
  /** The URL polled, when the feed moved (feeds.state moved_to) or moves with this poll. */
  movedTo?: string;
  /** Of a feed skipped because its publisher asked to wait: the earliest next poll (epoch ms). */
  notBefore?: number;
}

export interface RssSummary {
  polls: number;
  produced: number;
  errors: number;
  outcomes: PollOutcome[];
}

interface Schedule {
  dueAt: number;
  /** The publisher's earliest next poll (Retry-After, cache lifetime, feed TTL): a `--once` pass honours it too. */
  earliestPollAt: number;
  failures: number;
  /** The feed's own refresh hint from its last 200: the 304s after it carry no body to read it from. */
  refreshMs: number | null;
}

/** The source's state and its passes, which the runtime (core/runtime/source-runtime.ts) drives. */
export async function openRssSource(config: RssConfig, deployment: Deployment, opts: RssSourceOptions = {}): Promise<SourceInstance<RssSummary>> {
  const { connections, prefix } = deployment;
  const now = opts.now ?? Date.now;
  const kafka = createKafka(connections.kafka, 'rss');
  const registry = createRegistry(connections.registry);
  const encoder = new RecordEncoder(registry, prefix);
  const rawTopic = topicName('newsRaw', prefix);
  const stateTopic = topicName('feedsState', prefix);
  const transactionalId = config.transactionalId || `${prefix}ops-pipeline-rss`;
  const newProducer = (): Producer => kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
  let producer = newProducer();
  // The producer first: its InitProducerId fences a previous process and finishes the
  // transaction it left, commit markers included. Read before that, the state could miss that
  // process's last poll (its markers still in flight), and its items would be produced again.
  let connected: Promise<void> | undefined = initTransactions(producer);
  await connected;
  const store = await FeedStateStore.load(kafka, stateTopic, new AvroCodec(registry)).catch(async (err: unknown) => {
    await producer.disconnect().catch(() => {});
    throw err;
  });
  log.info({ feeds: config.feeds.length, known: store.size }, 'feed state loaded');
  // One transaction at a time on the producer; feeds are fetched concurrently, produced in turn.
  let producing: Promise<unknown> = Promise.resolve();
  const inTransaction = (records: NewsRaw[], state: FeedState): Promise<void> => {
    const run = producing.then(async () => {
      try {
        await (connected ??= initTransactions(producer));
        const tx = await producer.transaction();
        try {
          // The time each record is made (its timestamp is its event time): classify's stage latency starts there.
          const created = createdAtHeader();
          if (records.length) await sendChunked(tx, rawTopic, (await encoder.messages('newsRaw', records)).map((m) => ({ ...m, headers: created })));
          await tx.send({ topic: stateTopic, acks: -1, messages: [await encoder.message('feedsState', state)] });
          await tx.commit();
          // Appended: read_committed consumers (classify, the sink) see the items from now on.
          const appended = now();
          for (const r of records) appendedSeconds.observe(Math.max(0, (appended - r.fetched_at) / 1000));
        } catch (err) {
          await tx.abort().catch(() => {});
          throw err;
        }
      } catch (err) {
        // Another source took our transactional id: starting a producer again would fence it back.
        if (isFenced(err)) throw new SourceFencedError('rss', transactionalId, { cause: err });
        // A producer that failed against an unreachable broker (its InitProducerId included) can
        // stay unusable: the next poll starts a new one.
        await producer.disconnect().catch(() => {});
        producer = newProducer();
        connected = undefined;
        throw err;
      }
    });
    producing = run.catch(() => {});
    return run;
  };

  const timing: PollTiming = {
    pollIntervalMs: config.pollIntervalSeconds * 1000,
    maxIntervalMs: config.maxIntervalSeconds * 1000,
    maxRetryAfterMs: config.maxRetryAfterSeconds * 1000,
  };
  const staleAfterMs = config.staleAfterHours * 3_600_000;
  const gate = new HostGate({ concurrency: config.perHostConcurrency, spacingMs: config.hostSpacingSeconds * 1000 });
  // What a publisher asked for before a restart still holds (feeds.state earliest_poll_at).
  const schedules = new Map<string, Schedule>(
    config.feeds.map((f) => {
      const earliestPollAt = store.get(f)?.earliest_poll_at ?? 0;
      return [f, { dueAt: earliestPollAt, earliestPollAt, failures: 0, refreshMs: null }];
    }),
  );
  const summary: RssSummary = { polls: 0, produced: 0, errors: 0, outcomes: [] };
  /** Each feed's last outcome, in the configured order. */
  const lastOutcomes = new Map<string, PollOutcome>();
  /** Feeds this run has polled without an outage of ours: a pass over all of them skips these. */
  const settled = new Set<string>();
  /** An outage of our services the current pass met (the first), for the runtime's backoff. */
  let outage: unknown;
  const urlOf = (feed: string) => store.get(feed)?.moved_to ?? feed;
  const markStaleness = () => {
    for (const feed of config.feeds) feedStale.set({ feed }, isStale(store.get(feed), now(), staleAfterMs) ? 1 : 0);
  };
  markStaleness();

  /** A poll the feed answered (200 or 304): its new items and its next state, in one transaction. */
  async function answered(feed: string, prev: FeedState | undefined, res: FetchResult, parsed: ParsedFeed | undefined, fetchedAt: number): Promise<PollOutcome> {
    const schedule = schedules.get(feed)!;
    const fresh = (parsed?.items ?? []).filter((i) => !store.hasSeen(feed, i.eventUid));
    // Feeds list newest first; produced oldest first (undated last, their event time is the
    // fetch), a backlog reaches event-time consumers in order instead of as late records.
    const unique = [...new Map(fresh.map((i) => [i.eventUid, i])).values()].sort((a, b) => (a.publishedAt ?? Infinity) - (b.publishedAt ?? Infinity));
    for (const i of unique) {
      if (i.unreadableDate) {
        undatedItems.inc({ feed });
        log.warn({ feed, date: i.unreadableDate, title: i.title.slice(0, 80) }, 'unreadable item date; published_at left null');
      }
    }
    const records: NewsRaw[] = unique.map((i) => ({
      event_uid: i.eventUid,
      published_at: i.publishedAt,
      source: feed,
      title: i.title,
      link: i.link,
      summary: i.summary,
      fetched_at: fetchedAt,
    }));
    const refreshMs = parsed ? parsed.refreshMs : schedule.refreshMs;
    const hints = [res.freshForMs, refreshMs];
    const wait = publisherWaitMs(timing, hints);
    // A move back to the configured URL is no move.
    const movedTo = res.movedTo === feed ? null : (res.movedTo ?? prev?.moved_to ?? null);
    const newest = (values: number[]) => (values.length ? Math.max(...values) : null);
    const state = nextFeedState(prev, feed, {
      etag: res.status === 'ok' ? res.etag : (prev?.etag ?? null),
      lastModified: res.status === 'ok' ? res.lastModified : (prev?.last_modified ?? null),
      newUids: records.map((r) => r.event_uid),
      newestPublished: newest(records.flatMap((r) => (r.published_at === null ? [] : [r.published_at]))),
      newestItemAt: newest(records.map((r) => newsEventTime(r.published_at, r.fetched_at))),
      movedTo,
      earliestPollAt: wait === null ? null : fetchedAt + wait,
      now: fetchedAt,
      window: config.dedupeWindow,
    });
    // A 304 that changes nothing writes nothing: a second run adds no record to any topic. One
    // that moves the feed or brings a publisher's wait is written, so a restart knows it.
    if (res.status === 'ok' || !prev || movedTo !== (prev.moved_to ?? null) || state.earliest_poll_at !== null) {
      await inTransaction(records, state);
      store.put(state);
    }
    if (movedTo !== null && movedTo !== (prev?.moved_to ?? null)) {
      feedMoves.inc({ feed });
      log.info({ feed, from: prev?.moved_to ?? feed, to: movedTo }, 'feed moved permanently (301/308); polling its new URL from now on');
    }
    schedule.failures = 0;
    schedule.refreshMs = refreshMs;
    schedule.earliestPollAt = state.earliest_poll_at ?? 0;
    schedule.dueAt = fetchedAt + delayAfterAnswer(timing, hints);
    const moved = movedTo === null ? {} : { movedTo };
    if (res.status === 'not-modified') {
      notModified.inc({ feed });
      return { feed, result: 'not-modified', produced: 0, ...moved };
    }
    itemsProduced.inc({ feed }, records.length);
    return { feed, result: 'items', produced: records.length, ...moved };
  }

  /** A poll that failed for the feed's sake: backed off, or held off as long as its Retry-After asks. */
  async function failed(feed: string, prev: FeedState | undefined, err: FeedError): Promise<PollOutcome> {
    const schedule = schedules.get(feed)!;
    schedule.failures++;
    const at = now();
    const delay = delayAfterFailure(timing, backoffMs(schedule.failures, config.backoffInitialSeconds, config.backoffMaxSeconds), err.retryAfterMs);
    schedule.dueAt = at + delay;
    feedErrors.inc({ feed, kind: err.kind });
    log.warn({ feed, kind: err.kind, err: err.message, failures: schedule.failures, retryInSeconds: Math.round(delay / 1000) }, 'feed failed; backing off');
    const retryWait = retryWaitMs(timing, err.retryAfterMs);
    if (retryWait !== null) {
      schedule.earliestPollAt = at + retryWait;
      // Remembered in feeds.state: a restarted source waits as well instead of asking again at once.
      const state = nextFeedState(prev, feed, {
        etag: prev?.etag ?? null,
        lastModified: prev?.last_modified ?? null,
        newUids: [],
        newestPublished: null,
        newestItemAt: null,
        movedTo: prev?.moved_to ?? null,
        earliestPollAt: schedule.earliestPollAt,
        now: at,
        window: config.dedupeWindow,
      });
      await inTransaction([], state);
      store.put(state);
    }
    return { feed, result: 'error', produced: 0, error: err, ...(prev?.moved_to ? { movedTo: prev.moved_to } : {}) };
  }

  async function poll(feed: string, signal: AbortSignal): Promise<PollOutcome> {
    const schedule = schedules.get(feed)!;
    if (schedule.earliestPollAt > now()) return { feed, result: 'skipped', produced: 0, notBefore: schedule.earliestPollAt };
    const prev = store.get(feed);
    const started = process.hrtime.bigint();
    try {
      let res: FetchResult;
      let parsed: ParsedFeed | undefined;
      let fetchedAt: number;
      try {
        res = await fetchFeed(urlOf(feed), {
          etag: prev?.etag,
          lastModified: prev?.last_modified,
          timeoutMs: config.timeoutMs,
          maxBodyBytes: config.maxBodyBytes,
          userAgent: config.userAgent,
          maxRedirects: config.maxRedirects,
          now: now(),
          gate: (url) => gate.acquire(url, signal),
        });
        fetchedAt = now();
        // The source's clock, not the wall clock, bounds plausible dates: replays set it.
        if (res.status === 'ok') parsed = await parseFeed(res.body, res.contentType, fetchedAt);
      } catch (err) {
        if (err instanceof GateWaitAborted) return { feed, result: 'skipped', produced: 0 };
        if (!(err instanceof FeedError)) throw err;
        return await failed(feed, prev, err);
      }
      return await answered(feed, prev, res, parsed, fetchedAt);
    } catch (err) {
      if (err instanceof SourceFencedError) throw err;
      // Kafka or registry trouble, not the feed's: nothing of this poll was produced (one
      // transaction), so the feed is due again when the runtime's backoff ends (no sooner than a
      // Retry-After it was just given).
      outage ??= err;
      schedule.dueAt = schedule.earliestPollAt;
      return { feed, result: 'error', produced: 0 };
    } finally {
      fetchSeconds.observe({ feed }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /** One pass over the feeds that are due (all not yet polled this run, with `all`), `concurrency` at a time. */
  async function pass({ all, signal }: { all: boolean; signal: AbortSignal }): Promise<PassOutcome> {
    outage = undefined;
    // Hosts alternate, so that the workers are not all queued at one host's gate.
    const due = interleaveByHost(
      config.feeds.filter((f) => (all ? !settled.has(f) : schedules.get(f)!.dueAt <= now())),
      urlOf,
    );
    const outcomes: PollOutcome[] = [];
    let next = 0;
    const worker = async () => {
      while (next < due.length && !signal.aborted) {
        const feed = due[next++]!;
        const pollOutcome = await poll(feed, signal);
        // An error without a FeedError is an outage of ours: that feed is not done.
        if (pollOutcome.result !== 'error' || pollOutcome.error) settled.add(feed);
        outcomes.push(pollOutcome);
      }
    };
    await Promise.all(Array.from({ length: Math.min(config.concurrency, due.length) }, worker));
    let produced = 0;
    for (const o of outcomes) {
      if (o.result !== 'skipped') summary.polls++;
      produced += o.produced;
      if (o.result === 'error') summary.errors++;
      lastOutcomes.set(o.feed, o);
    }
    summary.produced += produced;
    summary.outcomes = config.feeds.flatMap((f) => lastOutcomes.get(f) ?? []);
    markStaleness();
    if (produced) log.info({ polls: summary.polls, produced: summary.produced, errors: summary.errors }, `${produced} new items (${summary.produced} since start)`);
    // Looked at again within a minute whatever the schedules say: a feed list or clock may change.
    const nextDue = Math.min(...[...schedules.values()].map((s) => s.dueAt));
    return { dueInMs: Math.min(nextDue - now(), 60_000), ...(outage === undefined ? {} : { outage }) };
  }

  return {
    pass,
    summary: () => summary,
    async close() {
      await producer.disconnect().catch(() => {});
    },
  };
}
