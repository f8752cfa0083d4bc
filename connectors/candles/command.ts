import type { Command } from 'commander';
import { isAbsolute, join } from 'node:path';
import { configSources, connections, topicsConfig } from '../../cli/context.ts';
import { runServingMetrics } from '../../cli/lifecycle.ts';
import { loadSection } from '../../core/config.ts';
import { startCandlesSource } from './candles-source.ts';
import { CandlesConfig } from './config.ts';
import { recordedFetch } from './recorded-fetch.ts';

export function registerCandlesCommand(run: Command): void {
  run
    .command('candles')
    .description('fetch OHLCV bars from Yahoo Finance (chart API) for the watchlist and tickers in the news; produce to market.candles')
    .option('--once', 'one pass over the tickers, then exit')
    .option('--ticker <symbol...>', 'tickers to fetch instead of the configured watchlist (candles.watchlist)')
    .option('--replay <dir>', 'answer chart requests from recorded Yahoo responses in DIR (offline; e.g. samples/yahoo-chart)')
    .option('--replay-latency <ms>', 'with --replay: answer each request after MS milliseconds (a slow Yahoo)', (v) => Number(v))
    .addHelpText('after', '\nThe bar interval is the deployment\'s: --candle-interval (topics.candleInterval).\nConfig section `candles`: watchlist, pollIntervalSeconds, backfillDays, includeTickersFromNews,\nmaxNewsTickers, concurrency, retries, retryInitialSeconds, stateTailRecords, maxFutureSeconds (see README).')
    .action(async (opts: { once?: boolean; ticker?: string[]; replay?: string; replayLatency?: number }, cmd: Command) => {
      const sources = configSources(cmd);
      const flags = opts.ticker ? { watchlist: opts.ticker } : {};
      const config = loadSection('candles', CandlesConfig, { ...sources, overrides: { ...sources.overrides, candles: flags } });
      const topics = topicsConfig(cmd);
      const replay = opts.replay ? recordedFetch(isAbsolute(opts.replay) ? opts.replay : join(process.cwd(), opts.replay), opts.replayLatency) : undefined;
      const source = await startCandlesSource({
        connections: connections(cmd),
        config,
        prefix: topics.prefix,
        interval: topics.candleInterval,
        once: opts.once,
        fetch: replay?.fetch,
        // Recorded responses are from the past: ask for a window that contains them.
        now: replay ? () => Date.UTC(2025, 1, 3) : undefined,
      });
      const summary = await runServingMetrics(source);
      for (const o of summary.outcomes) process.stdout.write(`${o.ticker.padEnd(12)} ${String(o.produced).padStart(5)} new candles${o.nullBars ? `, ${o.nullBars} null bars skipped` : ''}${o.error ? `  (${o.error})` : ''}\n`);
      process.stdout.write(`candles: ${summary.produced} produced for ${summary.outcomes.length} tickers\n`);
    });
}
