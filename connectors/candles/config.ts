import { z } from 'zod';
import type { Interval } from '../../schemas/intervals.ts';

/** How far back Yahoo serves each interval (days); backfill beyond it is refused at start. */
export const MAX_HISTORY_DAYS: Partial<Record<Interval, number>> = { '1m': 7, '2m': 60, '5m': 60, '15m': 60, '30m': 60, '60m': 730, '90m': 60, '1h': 730 };

/** Section `candles` of the config file. */
export const CandlesConfig = z
  .object({
    /** Tickers always fetched, Yahoo notation (AAPL, SAP.DE, BTC-USD, EURUSD=X). */
    watchlist: z.array(z.string().regex(/^[A-Z0-9.^=-]{1,20}$/, 'a Yahoo symbol in upper case')).default(['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'JPM', 'SPY', 'QQQ']),
    /** Seconds between passes over the watchlist. */
    pollIntervalSeconds: z.number().positive().default(60),
    /** History fetched for a ticker with no candle in the topic yet. */
    backfillDays: z.number().positive().default(5),
    /** Also fetch tickers that appear in news.classified. */
    includeTickersFromNews: z.boolean().default(true),
    /** Upper bound of tickers learned from news (least recently seen dropped first). */
    maxNewsTickers: z.number().int().min(0).default(200),
    /** Requests to Yahoo at once. */
    concurrency: z.number().int().min(1).max(16).default(2),
    /** Retries of a rate-limited (429), failing (5xx) or crumb-refused request. */
    retries: z.number().int().min(0).max(10).default(4),
    /** First retry delay; doubles per retry with ±20% jitter. */
    retryInitialSeconds: z.number().positive().default(2),
    /** Records read back from the tail of each market.candles partition to find each ticker's last candle. */
    stateTailRecords: z.number().int().min(100).default(20_000),
    /**
     * A bar starting more than this many seconds after the source's clock is refused (to
     * market.candles.dlq with the reason). At most the broker's message.timestamp.after.max.ms
     * (an hour by default), which refuses such a record for the whole batch.
     */
    maxFutureSeconds: z.number().int().min(0).max(3600).default(300),
  })
  .strict();
export type CandlesConfig = z.infer<typeof CandlesConfig>;

/** Yahoo keeps short intervals for a few weeks only: a longer backfill is refused at start. */
export function backfillProblem(config: CandlesConfig, interval: Interval): string | null {
  const max = MAX_HISTORY_DAYS[interval];
  return max !== undefined && config.backfillDays > max ? `Yahoo serves ${interval} bars for the last ${max} days only` : null;
}
