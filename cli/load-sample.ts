import { join } from 'node:path';
import type { Command } from 'commander';
import { CandlesConfig } from '../connectors/candles/config.ts';
import { startCandlesSource } from '../connectors/candles/component.ts';
import { recordedFetch } from '../connectors/candles/recorded-fetch.ts';
import { RssConfig } from '../connectors/rss/config.ts';
import { serveFeedFiles, type FeedFileServer } from '../connectors/rss/feed-file-server.ts';
import { startRssSource } from '../connectors/rss/component.ts';
import { loadSection, type ConnectionsConfig } from '../core/config.ts';
import { ConfigError, ServiceStartError } from '../core/errors.ts';
import { createKafka, withKafka } from '../core/kafka.ts';
import { createRegistry } from '../core/registry.ts';
import { REPO_ROOT } from '../deploy/local/layout.ts';
import type { PartitionCounts } from '../schemas/apply.ts';
import { TopicsConfig } from '../schemas/catalog.ts';
import { configSources, connections } from '../core/command-config.ts';
import { applyCatalog } from './topics.ts';
import { MultiBar, Presets } from 'cli-progress';
import type { Interval } from '../schemas/intervals.ts';
import { RecordEncoder } from '../schemas/record-encoder.ts';
import { candleChunks, newsChunks, produceAll, SYNTHETIC_T0, syntheticPlan } from './synthetic-data.ts';

// The bundled sample data into the topics, through the real sources: the feeds of samples/rss
// (rss-parser's test corpus) and samples/news (2020 headlines) served on loopback to the RSS
// source, and the recorded Yahoo responses of samples/yahoo-chart answered to the candles
// source. Running it again adds nothing: the feeds answer 304 and their items are in
// feeds.state; the candles source asks only for bars after the last one in the topic.

/** A fixed port: the feed URLs, and so their state in feeds.state, stay the same across runs. */
export const SAMPLE_FEED_PORT = 18930;
/**
 * samples/news first, one feed at a time: each partition of news.raw then holds the 2020 sample
 * before the corpus, whose undated items take the fetch time as event time and would otherwise
 * make the 2020 news late for the signal engine (the corpus's 2015-2018 items are late instead:
 * no candles meet them).
 */
export const SAMPLE_FEED_DIRS = [join(REPO_ROOT, 'samples', 'news'), join(REPO_ROOT, 'samples', 'rss')];
export const SAMPLE_CHART_DIR = join(REPO_ROOT, 'samples', 'yahoo-chart');
/** Where news and candles meet: the recorded AAPL daily bars and the samples/news headlines. */
export const SAMPLE_RANGE = { from: '2020-08-31T00:00:00Z', to: '2020-11-08T00:00:00Z' } as const;

/** The candles section that fetches the recordings (as a config file would hold it). */
export const SAMPLE_CANDLES_SETTINGS = {
  watchlist: ['AAPL', 'AMZN', 'GOOG', 'BABA', 'QQQ', 'SPOT', 'BTC-USD', 'OCDO.L', 'ORSTED.CO'],
  backfillDays: 3650,
  // The sample is the recordings of the watchlist, whatever tickers the news names.
  includeTickersFromNews: false,
};
const SAMPLE_CANDLES = CandlesConfig.parse(SAMPLE_CANDLES_SETTINGS);
/** The recorded bars are daily: a deployment running on the sample carries 1d candles. */
export const SAMPLE_INTERVAL = '1d' as const;
/** The candles source's clock, inside the recordings' range (it only bounds the backfill). */
const SAMPLE_CLOCK = Date.UTC(2025, 1, 3);

/** The bundled feeds on loopback, as a publisher would serve them. */
export function serveSampleFeeds(port = SAMPLE_FEED_PORT): Promise<FeedFileServer> {
  return serveFeedFiles(SAMPLE_FEED_DIRS, {}, port).catch((err: Error) => {
    throw new ServiceStartError('sample feeds', `cannot serve the sample feeds on 127.0.0.1:${port}: ${err.message}`);
  });
}

/**
 * The rss section that polls the served samples: one feed at a time, samples/news first (see
 * SAMPLE_FEED_DIRS), and no spacing between the requests: the server on loopback is our own.
 */
export function sampleRssSettings(feeds: FeedFileServer): { feeds: string[]; concurrency: number; hostSpacingSeconds: number } {
  return { feeds: feeds.names.map((n) => feeds.url(n)), concurrency: 1, hostSpacingSeconds: 0 };
}

export async function loadSample(conn: ConnectionsConfig, prefix: string, say: (line: string) => void): Promise<void> {
  say('== topics apply');
  const report = await applyCatalog(conn, prefix);
  const created = report.topics.filter((t) => t.result === 'created').length;
  say(`   ${created} topics created, ${report.schemas.length} schemas registered`);

  say('== rss: the bundled feeds (samples/rss, samples/news), served on loopback');
  const feeds = await serveSampleFeeds();
  let rss;
  try {
    const source = await startRssSource({ connections: conn, config: RssConfig.parse(sampleRssSettings(feeds)), prefix, once: true });
    rss = await source.done;
  } finally {
    await feeds.close();
  }
  say(`   ${rss.polls} feeds polled, ${rss.produced} new items produced to news.raw, ${rss.errors} feeds failed (samples/rss has a non-feed on purpose)`);

  say('== candles: recorded Yahoo chart responses (samples/yahoo-chart) through yahoo-finance2');
  const candles = await startCandlesSource({
    connections: conn,
    config: SAMPLE_CANDLES,
    prefix,
    interval: SAMPLE_INTERVAL,
    once: true,
    fetch: recordedFetch(SAMPLE_CHART_DIR).fetch,
    now: () => SAMPLE_CLOCK,
  });
  const candlesProduced = (await candles.done).produced;
  say(`   ${candlesProduced} new candles produced to market.candles (daily bars: run the components with --candle-interval ${SAMPLE_INTERVAL})`);
}

export interface SyntheticOptions {
  candles: number;
  news: number;
  seed: number;
  tickers: number;
  interval: Interval;
  /** The deployment's partition counts (topics.partitions), for topics created here. */
  partitions: PartitionCounts;
  progress: boolean;
}

/** `load-sample --synthetic`: seeded synthetic bars and news straight into the topics. */
export async function loadSynthetic(conn: ConnectionsConfig, prefix: string, o: SyntheticOptions, say: (line: string) => void): Promise<void> {
  const plan = syntheticPlan({ candles: o.candles, news: o.news, interval: o.interval, maxTickers: o.tickers });
  say(`== topics apply`);
  await applyCatalog(conn, prefix, { partitions: o.partitions });
  const kafka = createKafka(conn.kafka, 'load-sample');
  const encoder = new RecordEncoder(createRegistry(conn.registry), prefix);
  const bar = o.progress ? new MultiBar({ format: '   {topic} {bar} {value}/{total}', stream: process.stderr, hideCursor: true, clearOnComplete: false }, Presets.shades_grey) : undefined;
  const newsBar = bar?.create(plan.news, 0, { topic: 'news.raw      ' });
  const candlesBar = bar?.create(plan.candles, 0, { topic: 'market.candles' });
  const produced = await withKafka(conn.kafka, async () => {
    try {
      const news = await produceAll(kafka, encoder, 'newsRaw', newsChunks(plan, o.seed, 2000), (n) => newsBar?.increment(n));
      const candles = await produceAll(kafka, encoder, 'marketCandles', candleChunks(plan, o.seed, 5000), (n) => candlesBar?.increment(n));
      return { news, candles };
    } finally {
      bar?.stop();
    }
  });
  say(`   ${produced.news} news items to news.raw, ${produced.candles} ${o.interval} bars of ${plan.tickers.length} tickers to market.candles (seed ${o.seed})`);
  say(`   from ${new Date(SYNTHETIC_T0).toISOString()} to ${new Date(plan.end).toISOString()}; run the components with --candle-interval ${o.interval}`);
}

const count = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${what} must be a whole number, not ${JSON.stringify(v)}`);
  return n;
};

export function registerLoadSampleCommand(program: Command): void {
  program
    .command('load-sample')
    .description(
      'fill news.raw, feeds.state and market.candles from the bundled sample data through the real sources (applies the topics first): ' +
        'samples/rss and samples/news (headlines of Aug 31 - Nov 6, 2020) served on loopback, and the recorded Yahoo candles of samples/yahoo-chart ' +
        `(AAPL daily bars over the same range). Offline. Running it again adds nothing. News and candles meet from ${SAMPLE_RANGE.from} to ${SAMPLE_RANGE.to}. ` +
        'With --synthetic: seeded synthetic bars and news of any size instead, written straight to market.candles and news.raw (the soak test\'s generator); ' +
        'the same seed and sizes give the same records, so a second run writes the same keys again',
    )
    .option('--synthetic', 'write seeded synthetic data instead of the bundled sample')
    .option('--candles <n>', 'synthetic bars in all (spread over --tickers tickers)', count('--candles'), 100_000)
    .option('--news <n>', 'synthetic news items', count('--news'), 10_000)
    .option('--seed <n>', 'seed of the synthetic data', count('--seed'), 1)
    .option('--tickers <n>', 'most tickers the synthetic bars are spread over (from the symbol directory)', count('--tickers'), 100)
    .action(async (opts: { synthetic?: boolean; candles: number; news: number; seed: number; tickers: number }, cmd: Command) => {
      const topics = loadSection('topics', TopicsConfig, configSources(cmd));
      const say = (line: string) => process.stdout.write(`${line}\n`);
      if (opts.synthetic) {
        await loadSynthetic(connections(cmd), topics.prefix, { ...opts, interval: topics.candleInterval, partitions: topics.partitions, progress: Boolean(process.stderr.isTTY) }, say);
      } else {
        await loadSample(connections(cmd), topics.prefix, say);
      }
    });
}
