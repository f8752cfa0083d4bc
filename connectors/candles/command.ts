import type { Command } from 'commander';
import { isAbsolute, join } from 'node:path';
import { configSources, connections } from '../../cli/context.ts';
import { runServingMetrics } from '../../cli/lifecycle.ts';
import { loadSection } from '../../core/config.ts';
import { TopicsConfig } from '../../schemas/catalog.ts';
import { startCandlesSource } from './candles-source.ts';
import { CandlesConfig } from './config.ts';
import { recordedFetch } from './recorded-fetch.ts';

export function registerCandlesCommand(run: Command): void {
  run
    .command('candles')
    .description('fetch OHLCV bars from Yahoo Finance (chart API) for the watchlist and tickers in the news; produce to market.candles')
    .option('--once', 'one pass over the tickers, then exit')
    .option('--ticker <symbol...>', 'tickers to fetch instead of the configured watchlist (candles.watchlist)')
    .option('--interval <interval>', 'bar interval (candles.interval): 1m 2m 5m 15m 30m 60m 90m 1h 1d 5d 1wk 1mo 3mo')
    .option('--replay <dir>', 'answer chart requests from recorded Yahoo responses in DIR (offline; e.g. samples/yahoo-chart)')
    .option('--replay-latency <ms>', 'with --replay: answer each request after MS milliseconds (a slow Yahoo)', (v) => Number(v))
    .addHelpText('after', '\nConfig section `candles`: watchlist, interval, pollIntervalSeconds, backfillDays, includeTickersFromNews,\nmaxNewsTickers, concurrency, retries, retryInitialSeconds, stateTailRecords (see README).')
    .action(async (opts: { once?: boolean; ticker?: string[]; interval?: string; replay?: string; replayLatency?: number }, cmd: Command) => {
      const sources = configSources(cmd);
      const flags = { ...(opts.ticker ? { watchlist: opts.ticker } : {}), ...(opts.interval ? { interval: opts.interval } : {}) };
      const config = loadSection('candles', CandlesConfig, { ...sources, overrides: { ...sources.overrides, candles: flags } });
      const replay = opts.replay ? recordedFetch(isAbsolute(opts.replay) ? opts.replay : join(process.cwd(), opts.replay), opts.replayLatency) : undefined;
      const source = await startCandlesSource({
        connections: connections(cmd),
        config,
        prefix: loadSection('topics', TopicsConfig, sources).prefix,
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
