import { isAbsolute, join } from 'node:path';
import type { ConnectionsConfig } from '../../core/config.ts';
import type { Running, SourceDefinition } from '../../core/runtime/component.ts';
import { startSource } from '../../core/runtime/source-runtime.ts';
import type { Interval } from '../../schemas/intervals.ts';
import { openCandlesSource, type CandlesSourceOptions, type CandlesSummary } from './candles-source.ts';
import { CandlesConfig } from './config.ts';
import { recordedFetch } from './recorded-fetch.ts';

export const candlesComponent: SourceDefinition<CandlesConfig, CandlesSummary> = {
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
  open(config, d, opts) {
    const dir = opts.replay as string | undefined;
    const replay = dir ? recordedFetch(isAbsolute(dir) ? dir : join(process.cwd(), dir), opts.replayLatency as number | undefined) : undefined;
    // Recorded responses are from the past: ask for a window that contains them.
    const o = replay ? { fetch: replay.fetch, now: () => Date.UTC(2025, 1, 3) } : (opts as CandlesSourceOptions);
    return openCandlesSource(config, d, o);
  },
  describe: (s) =>
    [
      ...s.outcomes.map((o) => `${o.ticker.padEnd(12)} ${String(o.produced).padStart(5)} new candles${o.nullBars ? `, ${o.nullBars} null bars skipped` : ''}${o.error ? `  (${o.error})` : ''}`),
      `candles: ${s.produced} produced for ${s.outcomes.length} tickers`,
    ].join('\n'),
};

/** The candles source in this process (load-sample, tests), as `run candles` starts it. */
export function startCandlesSource(o: { connections: ConnectionsConfig; config: CandlesConfig; prefix: string; interval: Interval; once?: boolean } & CandlesSourceOptions): Promise<Running<CandlesSummary>> {
  const { connections, config, prefix, interval, once, ...options } = o;
  return startSource(candlesComponent, config, { connections, prefix, candleInterval: interval }, { once, options });
}
