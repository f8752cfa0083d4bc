import type { Producer } from 'kafkajs';
import { sendChunked } from '../../core/chunked-send.ts';
import { AvroCodec } from '../../core/avro-codec.ts';
import { backoffMs } from '../../core/backoff.ts';
import type { ConnectionsConfig } from '../../core/config.ts';
import { createKafka } from '../../core/kafka.ts';
import { logger } from '../../core/log.ts';
import { counter, histogram } from '../../core/metrics.ts';
import { createRegistry } from '../../core/registry.ts';
import { outageReporter } from '../../core/supervised.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { FeedState, NewsRaw } from '../../schemas/records.ts';
import type { RssConfig } from './config.ts';
import { FeedError } from './feed-error.ts';
import { FeedStateStore, nextFeedState } from './feed-state-store.ts';
import { fetchFeed } from './fetch-feed.ts';
import { initTransactions, isFenced, SourceFencedError } from '../../core/runtime/fenced.ts';
import { parseFeed } from './parse-feed.ts';
import { retryDelayMs } from '../../core/retry-policy.ts';

// The RSS source: polls each feed on its own schedule, produces new items to news.raw and
// the feed's new state to feeds.state in one Kafka transaction: a crash at any point either
// wrote both or neither, so after a restart no item is skipped and none is produced twice.

const log = logger('rss');
const itemsProduced = counter('rss_items_produced_total', 'New feed items produced to news.raw', ['feed']);
const notModified = counter('rss_not_modified_total', 'Polls answered 304 Not Modified', ['feed']);
const feedErrors = counter('rss_feed_errors_total', 'Failed polls by kind', ['feed', 'kind']);
const undatedItems = counter('rss_unreadable_dates_total', 'Items whose date could not be read (published_at left null)', ['feed']);
const fetchSeconds = histogram('rss_fetch_seconds', 'Feed fetch and parse time', ['feed']);

export interface RssSourceOptions {
  connections: ConnectionsConfig;
  config: RssConfig;
  prefix: string;
  once?: boolean;
  /** Wall clock, injectable for tests (fetched_at and backoff only; never event time). */
  now?: () => number;
}

export interface PollOutcome {
  feed: string;
  result: 'items' | 'not-modified' | 'error' | 'skipped';
  produced: number;
  error?: FeedError;
}

export interface RssSummary {
  polls: number;
  produced: number;
  errors: number;
  outcomes: PollOutcome[];
}

interface Schedule {
  dueAt: number;
  failures: number;
}

export async function startRssSource(opts: RssSourceOptions) {
  const { connections, config, prefix } = opts;
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
  const outages = outageReporter('rss', log);
  let outageFailures = 0;
  // One transaction at a time on the producer; feeds are fetched concurrently, produced in turn.
  let producing: Promise<unknown> = Promise.resolve();
  const inTransaction = (records: NewsRaw[], state: FeedState): Promise<void> => {
    const run = producing.then(async () => {
      try {
        await (connected ??= initTransactions(producer));
        const tx = await producer.transaction();
        try {
          if (records.length) await sendChunked(tx, rawTopic, await encoder.messages('newsRaw', records));
          await tx.send({ topic: stateTopic, acks: -1, messages: [await encoder.message('feedsState', state)] });
          await tx.commit();
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

  const schedules = new Map<string, Schedule>(config.feeds.map((f) => [f, { dueAt: 0, failures: 0 }]));
  const summary: RssSummary = { polls: 0, produced: 0, errors: 0, outcomes: [] };

  async function poll(feed: string): Promise<PollOutcome> {
    const schedule = schedules.get(feed)!;
    const prev = store.get(feed);
    const started = process.hrtime.bigint();
    try {
      const res = await fetchFeed(feed, { etag: prev?.etag, lastModified: prev?.last_modified, timeoutMs: config.timeoutMs, maxBodyBytes: config.maxBodyBytes, userAgent: config.userAgent });
      schedule.failures = 0;
      schedule.dueAt = now() + config.pollIntervalSeconds * 1000;
      if (res.status === 'not-modified') {
        notModified.inc({ feed });
        return { feed, result: 'not-modified', produced: 0 };
      }
      const fetchedAt = now();
      // The source's clock, not the wall clock, bounds plausible dates: replays set it.
      const items = await parseFeed(res.body, res.contentType, fetchedAt);
      const fresh = items.filter((i) => !store.hasSeen(feed, i.eventUid));
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
      const state = nextFeedState(prev, feed, {
        etag: res.etag,
        lastModified: res.lastModified,
        newUids: records.map((r) => r.event_uid),
        newestPublished: records.reduce<number | null>((m, r) => (r.published_at !== null && (m === null || r.published_at > m) ? r.published_at : m), null),
        now: fetchedAt,
        window: config.dedupeWindow,
      });
      await inTransaction(records, state);
      store.put(state);
      outageFailures = 0;
      outages.ok();
      itemsProduced.inc({ feed }, records.length);
      return { feed, result: 'items', produced: records.length };
    } catch (err) {
      if (err instanceof SourceFencedError) throw err;
      if (!(err instanceof FeedError)) {
        // Kafka or registry trouble, not the feed's: nothing of this poll was produced (one
        // transaction), so the feed is polled again after a backoff of its own.
        if (opts.once) throw err;
        outages.failed(err, 'producing a poll failed; the feed is polled again after a backoff');
        schedule.dueAt = now() + retryDelayMs(++outageFailures);
        return { feed, result: 'error', produced: 0 };
      }
      schedule.failures++;
      const delay = backoffMs(schedule.failures, config.backoffInitialSeconds, config.backoffMaxSeconds);
      schedule.dueAt = now() + delay;
      feedErrors.inc({ feed, kind: err.kind });
      log.warn({ feed, kind: err.kind, err: err.message, failures: schedule.failures, retryInSeconds: Math.round(delay / 1000) }, 'feed failed; backing off');
      return { feed, result: 'error', produced: 0, error: err };
    } finally {
      fetchSeconds.observe({ feed }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /** One pass over the feeds that are due (all of them with `all`), `concurrency` at a time. */
  async function pass(all: boolean): Promise<PollOutcome[]> {
    const due = config.feeds.filter((f) => all || schedules.get(f)!.dueAt <= now());
    const outcomes: PollOutcome[] = [];
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const feed = due[next++]!;
        outcomes.push(await poll(feed));
      }
    };
    await Promise.all(Array.from({ length: Math.min(config.concurrency, due.length) }, worker));
    for (const o of outcomes) {
      summary.polls++;
      summary.produced += o.produced;
      if (o.result === 'error') summary.errors++;
    }
    summary.outcomes = outcomes;
    return outcomes;
  }

  let stopped = false;
  let wake: (() => void) | undefined;
  const done = (async () => {
    try {
      if (opts.once) {
        await pass(true);
      } else {
        while (!stopped) {
          const produced = (await pass(false)).reduce((n, o) => n + o.produced, 0);
          if (produced) log.info({ polls: summary.polls, produced: summary.produced, errors: summary.errors }, `${produced} new items (${summary.produced} since start)`);
          const nextDue = Math.min(...[...schedules.values()].map((s) => s.dueAt));
          const wait = Math.max(200, Math.min(nextDue - now(), 60_000));
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, wait).unref();
          });
        }
      }
      return summary;
    } finally {
      await producer.disconnect().catch(() => {});
      log.info({ polls: summary.polls, produced: summary.produced, errors: summary.errors }, 'rss source stopped');
    }
  })();

  return {
    done,
    /** Polls every feed once now (tests and --once use it). */
    pass,
    async stop() {
      stopped = true;
      wake?.();
      await done.catch(() => {});
    },
  };
}
