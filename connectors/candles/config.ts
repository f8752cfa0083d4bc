import { z } from 'zod';
import type { Interval } from '../../schemas/intervals.ts';

/** How far back Yahoo serves each interval (days); backfill beyond it is refused at start. */
export const MAX_HISTORY_DAYS: Partial<Record<Interval, number>> = { '1m': 7, '2m': 60, '5m': 60, '15m': 60, '30m': 60, '60m': 730, '90m': 60, '1h': 730 };

/** Section `candles` of the config file. */
export const CandlesConfig = z
  .object({
    watchlist: z
      .array(z.string().regex(/^[A-Z0-9.^=-]{1,20}$/, 'a Yahoo symbol in upper case'))
      .default(['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'JPM', 'SPY', 'QQQ'])
      .describe('Tickers always fetched, in Yahoo notation (AAPL, SAP.DE, BTC-USD, EURUSD=X). Flag --ticker.'),
    pollIntervalSeconds: z
      .number()
      .positive()
      .default(60)
      .describe('Seconds between passes over the tickers; never less than one bar interval (topics.candleInterval, counted up to an hour).'),
    backfillDays: z
      .number()
      .positive()
      .default(5)
      .describe('Days of history fetched for a ticker with no candle in the topic yet; more than Yahoo keeps for the interval is refused at start.'),
    includeTickersFromNews: z.boolean().default(true).describe('Also fetch the tickers that appear in news.classified.'),
    maxNewsTickers: z.number().int().min(0).default(200).describe('Most tickers learned from news (the least recently seen are dropped first).'),
    concurrency: z.number().int().min(1).max(16).default(2).describe('Requests to Yahoo at once.'),
    retries: z.number().int().min(0).max(10).default(4).describe('Retries of a rate-limited (429), failing (5xx) or crumb-refused request.'),
    retryInitialSeconds: z.number().positive().default(2).describe('First retry delay; it doubles per retry (up to 120 s) with ±20% jitter.'),
    stateTailRecords: z
      .number()
      .int()
      .min(100)
      .default(20_000)
      .describe('Records read back at start from the tail of each market.candles partition (each ticker\'s last candle) and news.classified partition (tickers from news).'),
    // At most the broker's message.timestamp.after.max.ms (an hour by default): the broker
    // would refuse such a record, and with it the whole batch.
    maxFutureSeconds: z
      .number()
      .int()
      .min(0)
      .max(3600)
      .default(300)
      .describe('A bar starting more than this many seconds after the source\'s clock is held back (logged, counted in candles_refused_bars_total{reason="future"}) and asked for again once it has begun; never produced early.'),
  })
  .strict();
export type CandlesConfig = z.infer<typeof CandlesConfig>;

/** Yahoo keeps short intervals for a few weeks only: a longer backfill is refused at start. */
export function backfillProblem(config: CandlesConfig, interval: Interval): string | null {
  const max = MAX_HISTORY_DAYS[interval];
  return max !== undefined && config.backfillDays > max ? `Yahoo serves ${interval} bars for the last ${max} days only` : null;
}
