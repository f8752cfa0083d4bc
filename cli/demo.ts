import { join } from 'node:path';
import type { Command } from 'commander';
import { CandlesConfig } from '../connectors/candles/config.ts';
import { startCandlesSource } from '../connectors/candles/candles-source.ts';
import { recordedFetch } from '../connectors/candles/recorded-fetch.ts';
import { SinkConfig } from '../connectors/postgres-sink/config.ts';
import { startSink } from '../connectors/postgres-sink/sink.ts';
import { RssConfig } from '../connectors/rss/config.ts';
import { serveFeedFiles } from '../connectors/rss/feed-file-server.ts';
import { startRssSource } from '../connectors/rss/rss-source.ts';
import { loadSection } from '../core/config.ts';
import { connectClient } from '../core/db.ts';
import { ServiceStartError } from '../core/errors.ts';
import { createKafka, withKafka } from '../core/kafka.ts';
import { checkRegistry, createRegistry } from '../core/registry.ts';
import { REPO_ROOT } from '../deploy/local/layout.ts';
import { servicesUp } from '../deploy/local/services.ts';
import { migrateDatabase } from '../migrations/migrate.ts';
import { applyTopics } from '../schemas/apply.ts';
import { TopicsConfig } from '../schemas/catalog.ts';
import { ClassifyConfig } from '../streams/classify/config.ts';
import { loadSentimentModel } from '../streams/classify/model/sentiment-model.ts';
import { startClassifyProcessor } from '../streams/classify/processor.ts';
import { SignalsConfig } from '../streams/signals/config.ts';
import { startSignalsProcessor } from '../streams/signals/processor.ts';
import { configSources, connections } from './context.ts';

// The embedded default, end to end on one machine without internet: local services, the
// schema, the topics, the bundled sample feeds served on loopback, recorded Yahoo candles,
// and the sink filling PostgreSQL. Every step is the same code `run <component>` uses.

const DEMO_FEED_PORT = 18930;

const say = (msg: string) => process.stdout.write(`${msg}\n`);

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the pipeline on its embedded default: services up, migrate, topics apply, bundled RSS samples and recorded Yahoo candles in, classify, signals, sink to PostgreSQL; prints what landed')
    .option('--no-services', 'do not start the local services (use the configured Kafka, registry, PostgreSQL)')
    .action(async (opts: { services: boolean }, cmd: Command) => {
      const conn = connections(cmd);
      const sources = configSources(cmd);
      const prefix = loadSection('topics', TopicsConfig, sources).prefix;
      if (opts.services) {
        say('== services');
        await servicesUp({ databaseUrl: conn.database.url, report: (m) => say(`   ${m}`) });
      }
      say('== migrate');
      const migrated = await migrateDatabase(conn.database.url);
      say(`   ${migrated.database}: ${migrated.applied.length ? `applied ${migrated.applied.join(', ')}` : 'up to date'}`);
      say('== topics apply');
      await checkRegistry(conn.registry);
      const admin = createKafka(conn.kafka, 'demo').admin();
      await withKafka(conn.kafka, async () => {
        await admin.connect();
        try {
          const report = await applyTopics(admin, createRegistry(conn.registry), prefix);
          say(`   ${report.topics.filter((t) => t.result === 'created').length} topics created, ${report.schemas.length} schemas registered`);
        } finally {
          await admin.disconnect();
        }
      });

      say('== rss: the bundled sample feeds (samples/rss), served on loopback');
      // A fixed port: the feed URLs (and so their state in feeds.state) stay the same across demo runs.
      const feeds = await serveFeedFiles(join(REPO_ROOT, 'samples', 'rss'), {}, DEMO_FEED_PORT).catch((err: Error) => {
        throw new ServiceStartError('demo feeds', `cannot serve the sample feeds on 127.0.0.1:${DEMO_FEED_PORT}: ${err.message}`);
      });
      try {
        const rss = await startRssSource({ connections: conn, config: RssConfig.parse({ feeds: feeds.names.map((n) => feeds.url(n)) }), prefix, once: true });
        const s = await rss.done;
        say(`   ${s.polls} feeds polled, ${s.produced} new items produced to news.raw, ${s.errors} feeds failed (the corpus has a non-feed on purpose)`);
      } finally {
        await feeds.close();
      }

      say('== candles: recorded Yahoo chart responses (samples/yahoo-chart) through yahoo-finance2');
      const replay = recordedFetch(join(REPO_ROOT, 'samples', 'yahoo-chart'));
      const candles = await startCandlesSource({
        connections: conn,
        config: CandlesConfig.parse({ watchlist: ['AAPL', 'AMZN', 'GOOG', 'BABA', 'QQQ', 'SPOT', 'BTC-USD', 'OCDO.L', 'ORSTED.CO'], interval: '1d', backfillDays: 3650 }),
        prefix,
        once: true,
        fetch: replay.fetch,
        now: () => Date.UTC(2025, 1, 3),
      });
      say(`   ${(await candles.done).produced} new candles produced to market.candles`);

      say('== classify: news.raw → news.classified (sentiment model, tickers, event type, urgency)');
      const model = await loadSentimentModel();
      try {
        const classify = await startClassifyProcessor({ connections: conn, config: ClassifyConfig.parse({ idleExitMs: 1500 }), prefix, model, once: true });
        say(`   ${(await classify.done).classified} items classified with ${model.version}`);
      } finally {
        await model.close();
      }

      say('== signals: classified news + candles → signals, in event time');
      const signals = await startSignalsProcessor({ connections: conn, config: SignalsConfig.parse({ idleExitMs: 1500 }), prefix, once: true });
      const sig = await signals.done;
      say(`   ${sig.inputs} inputs, ${sig.signals} signals (the bundled news and candles are from different years, so they rarely meet)`);

      say('== sink: every topic into PostgreSQL');
      const sink = await startSink({ connections: conn, config: SinkConfig.parse({}), prefix, once: true });
      const s = await sink.done;
      say(`   ${s.records} records read, ${s.rows} rows upserted, ${s.dlq} to DLQ`);

      const client = await connectClient(conn.database.url);
      try {
        const { rows } = await client.query(`
          SELECT 'inbound_events_raw' AS t, count(*)::int AS n FROM inbound_events_raw
          UNION ALL SELECT 'feed_state', count(*)::int FROM feed_state
          UNION ALL SELECT 'lane_telemetry', count(*)::int FROM lane_telemetry
          UNION ALL SELECT 'inbound_events_classified', count(*)::int FROM inbound_events_classified
          UNION ALL SELECT 'dispatch_recommendations', count(*)::int FROM dispatch_recommendations`);
        say('== PostgreSQL');
        for (const r of rows) say(`   ${String(r.t).padEnd(28)} ${r.n}`);
        const latest = await client.query(`SELECT ticker, max(ts)::date AS last_bar, count(*)::int AS bars FROM lane_telemetry GROUP BY ticker ORDER BY ticker`);
        for (const r of latest.rows) say(`   ${String(r.ticker).padEnd(10)} ${r.bars} bars, last ${r.last_bar.toISOString().slice(0, 10)}`);
      } finally {
        await client.end();
      }
    });
}
