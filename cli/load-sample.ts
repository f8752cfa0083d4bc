import { join } from 'node:path';
import type { Command } from 'commander';
import { CandlesConfig } from '../connectors/candles/config.ts';
import { startCandlesSource } from '../connectors/candles/candles-source.ts';
import { recordedFetch } from '../connectors/candles/recorded-fetch.ts';
import { RssConfig } from '../connectors/rss/config.ts';
import { serveFeedFiles } from '../connectors/rss/feed-file-server.ts';
import { startRssSource } from '../connectors/rss/rss-source.ts';
import { loadSection, type ConnectionsConfig } from '../core/config.ts';
import { ServiceStartError } from '../core/errors.ts';
import { createKafka, withKafka } from '../core/kafka.ts';
import { checkRegistry, createRegistry } from '../core/registry.ts';
import { REPO_ROOT } from '../deploy/local/layout.ts';
import { applyTopics } from '../schemas/apply.ts';
import { TopicsConfig } from '../schemas/catalog.ts';
import { configSources, connections } from '../core/command-config.ts';

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

const SAMPLE_CANDLES = CandlesConfig.parse({
  watchlist: ['AAPL', 'AMZN', 'GOOG', 'BABA', 'QQQ', 'SPOT', 'BTC-USD', 'OCDO.L', 'ORSTED.CO'],
  backfillDays: 3650,
  // The sample is the recordings of the watchlist, whatever tickers the news names.
  includeTickersFromNews: false,
});
/** The recorded bars are daily: a deployment running on the sample carries 1d candles. */
export const SAMPLE_INTERVAL = '1d' as const;
/** The candles source's clock, inside the recordings' range (it only bounds the backfill). */
const SAMPLE_CLOCK = Date.UTC(2025, 1, 3);

export async function loadSample(conn: ConnectionsConfig, prefix: string, say: (line: string) => void): Promise<void> {
  say('== topics apply');
  await checkRegistry(conn.registry);
  const admin = createKafka(conn.kafka, 'load-sample').admin();
  await withKafka(conn.kafka, async () => {
    await admin.connect();
    try {
      const report = await applyTopics(admin, createRegistry(conn.registry), prefix);
      const created = report.topics.filter((t) => t.result === 'created').length;
      say(`   ${created} topics created, ${report.schemas.length} schemas registered`);
    } finally {
      await admin.disconnect();
    }
  });

  say('== rss: the bundled feeds (samples/rss, samples/news), served on loopback');
  const feeds = await serveFeedFiles(SAMPLE_FEED_DIRS, {}, SAMPLE_FEED_PORT).catch((err: Error) => {
    throw new ServiceStartError('sample feeds', `cannot serve the sample feeds on 127.0.0.1:${SAMPLE_FEED_PORT}: ${err.message}`);
  });
  let rss;
  try {
    const source = await startRssSource({ connections: conn, config: RssConfig.parse({ feeds: feeds.names.map((n) => feeds.url(n)), concurrency: 1 }), prefix, once: true });
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

export function registerLoadSampleCommand(program: Command): void {
  program
    .command('load-sample')
    .description(
      'fill news.raw, feeds.state and market.candles from the bundled sample data through the real sources (applies the topics first): ' +
        'samples/rss and samples/news (headlines of Aug 31 - Nov 6, 2020) served on loopback, and the recorded Yahoo candles of samples/yahoo-chart ' +
        `(AAPL daily bars over the same range). Offline. Running it again adds nothing. News and candles meet from ${SAMPLE_RANGE.from} to ${SAMPLE_RANGE.to}`,
    )
    .action(async (_opts, cmd: Command) => {
      const prefix = loadSection('topics', TopicsConfig, configSources(cmd)).prefix;
      await loadSample(connections(cmd), prefix, (line) => process.stdout.write(`${line}\n`));
    });
}
