import { resolve } from 'node:path';
import type { Command } from 'commander';
import { SinkConfig } from '../connectors/postgres-sink/config.ts';
import { startPostgresSink } from '../connectors/postgres-sink/component.ts';
import { loadSection } from '../core/config.ts';
import { rootLogger } from '../core/log.ts';
import { connectClient } from '../core/db.ts';
import { servicesUp } from '../deploy/local/services.ts';
import { migrateDatabase } from '../migrations/migrate.ts';
import { TopicsConfig } from '../schemas/catalog.ts';
import { runBacktest } from '../streams/backtest/backtest.ts';
import { BacktestSettings } from '../streams/backtest/config.ts';
import { ClassifyConfig } from '../streams/classify/config.ts';
import { loadSentimentModel } from '../streams/classify/model/sentiment-model.ts';
import { pct } from '../streams/backtest/report.ts';
import { startProcessor } from '../core/runtime/processor-runtime.ts';
import { classifyComponent } from '../streams/classify/component.ts';
import { SignalsConfig } from '../streams/signals/config.ts';
import { signalsComponent } from '../streams/signals/component.ts';
import { configSources, connections } from '../core/command-config.ts';
import { loadSample, SAMPLE_INTERVAL, SAMPLE_RANGE } from './load-sample.ts';

// The embedded default, end to end on one machine without internet: local services, the
// schema, the bundled sample (load-sample), classify, signals with the default rules, the
// sink filling PostgreSQL, and a backtest over the sample's range. Every step is the same
// code `run <component>`, `load-sample` and `backtest` use. The sample's bars are daily, so the
// demo is a deployment of 1d candles (topics.candleInterval).

const say = (msg: string) => process.stdout.write(`${msg}\n`);

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'run the pipeline on its embedded default: services up, migrate, load-sample (topics, bundled feeds and recorded candles), classify, signals, ' +
        'sink to PostgreSQL, and a backtest over the sample range; prints what landed and the backtest summary',
    )
    .option('--no-services', 'do not start the local services (use the configured Kafka, registry, PostgreSQL)')
    .option('--out <dir>', 'folder of the backtest report', 'runs/demo-backtest')
    .action(async (opts: { services: boolean; out: string }, cmd: Command) => {
      // The demo says what each step did; the components' own info logs would only interleave
      // with it. Warnings and errors still show, and LOG_LEVEL set by the user wins.
      if (!process.env.LOG_LEVEL) rootLogger.level = 'warn';
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
      await loadSample(conn, prefix, say);

      const deployment = { connections: conn, prefix, candleInterval: SAMPLE_INTERVAL };
      say('== classify: news.raw → news.classified (sentiment model, tickers, event type, urgency)');
      const model = await loadSentimentModel();
      try {
        const classify = await startProcessor(classifyComponent, ClassifyConfig.parse({ idleExitMs: 1500 }), deployment, { once: true, options: { sentimentModel: model } });
        say(`   ${(await classify.done).classified} items classified with ${model.version}`);
      } finally {
        await model.close();
      }

      say('== signals: classified news + candles → signals, in event time (default rules)');
      const signals = await startProcessor(signalsComponent, SignalsConfig.parse({ idleExitMs: 1500 }), deployment, { once: true });
      const sig = await signals.done;
      say(`   ${sig.inputs} inputs (${sig.late} refused as late: mostly samples/rss's 2015-2018 items, which follow the 2020 sample in news.raw), ${sig.signals} new signals`);

      say('== sink: every topic into PostgreSQL');
      const sink = await startPostgresSink({ connections: conn, config: SinkConfig.parse({}), prefix, candleInterval: SAMPLE_INTERVAL, once: true });
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
        const recs = await client.query(`SELECT ts, ticker, action, confidence FROM dispatch_recommendations ORDER BY ts, ticker, action`);
        for (const r of recs.rows) say(`   signal ${r.ts.toISOString()} ${String(r.ticker).padEnd(6)} ${r.action.padEnd(4)} confidence ${Number(r.confidence).toFixed(2)}`);
      } finally {
        await client.end();
      }

      say(`== backtest: ${SAMPLE_RANGE.from} to ${SAMPLE_RANGE.to} (the sample's range), default rules`);
      const settings = BacktestSettings.parse({});
      const { stats } = await runBacktest({
        connections: conn,
        prefix,
        candleInterval: SAMPLE_INTERVAL,
        from: Date.parse(SAMPLE_RANGE.from),
        to: Date.parse(SAMPLE_RANGE.to),
        settings,
        outDir: opts.out,
        progress: process.stderr.isTTY,
      });
      say(`   ${stats.signals} signals (BUY ${stats.byAction.BUY}, SELL ${stats.byAction.SELL})`);
      for (const h of stats.horizons) say(`   ${String(h.horizonMinutes).padStart(5)} min: ${h.scored} scored, hit rate ${pct(h.hitRate)}, average return ${pct(h.averageReturn)}`);
      const p = stats.performance;
      say(`   ${p.trades} trades: net total return ${pct(p.totalReturn)}, Sharpe ${p.sharpe === null ? '-' : p.sharpe.toFixed(2)}, max drawdown ${pct(p.maxDrawdown)}`);
      say(`   report: ${resolve(opts.out, 'report.md')} and report.html (charts inline), with signals.csv and trades.csv`);
    });
}
