import { isAbsolute, join } from 'node:path';
import type { EdgeDefinition } from '../../core/runtime/component.ts';
import { startCandlesSource, type CandlesSummary } from './candles-source.ts';
import { CandlesConfig } from './config.ts';
import { recordedFetch } from './recorded-fetch.ts';

export const candlesComponent: EdgeDefinition<CandlesConfig, CandlesSummary> = {
  kind: 'source',
  name: 'candles',
  description: 'Yahoo Finance bars into market.candles',
  section: 'candles',
  config: CandlesConfig,
  options: [
    { flags: '--ticker <symbol...>', description: 'tickers to fetch instead of the configured watchlist (candles.watchlist)' },
    { flags: '--replay <dir>', description: 'answer chart requests from recorded Yahoo responses in DIR (offline; e.g. samples/yahoo-chart)' },
    { flags: '--replay-latency <ms>', description: 'with --replay: answer each request after MS milliseconds (a slow Yahoo)', parse: (v) => Number(v) },
  ],
  overrides: (o) => (o.ticker ? { watchlist: o.ticker } : {}),
  start(config, d, o) {
    const opts = o.options ?? {};
    const dir = opts.replay as string | undefined;
    const replay = dir ? recordedFetch(isAbsolute(dir) ? dir : join(process.cwd(), dir), opts.replayLatency as number | undefined) : undefined;
    return startCandlesSource({
      connections: d.connections,
      config,
      prefix: d.prefix,
      interval: d.candleInterval,
      once: o.once,
      fetch: replay?.fetch,
      // Recorded responses are from the past: ask for a window that contains them.
      now: replay ? () => Date.UTC(2025, 1, 3) : undefined,
    });
  },
  describe: (s) =>
    [
      ...s.outcomes.map((o) => `${o.ticker.padEnd(12)} ${String(o.produced).padStart(5)} new candles${o.nullBars ? `, ${o.nullBars} null bars skipped` : ''}${o.error ? `  (${o.error})` : ''}`),
      `candles: ${s.produced} produced for ${s.outcomes.length} tickers`,
    ].join('\n'),
};
