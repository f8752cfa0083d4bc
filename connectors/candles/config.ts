import { z } from 'zod';

/** Yahoo's chart intervals, shortest first. */
export const INTERVALS = ['1m', '2m', '5m', '15m', '30m', '60m', '90m', '1h', '1d', '5d', '1wk', '1mo', '3mo'] as const;
export type Interval = (typeof INTERVALS)[number];

/** Bar length in ms (months approximated to 30 days: only used for spacing requests). */
export const INTERVAL_MS: Record<Interval, number> = {
  '1m': 60_000, '2m': 120_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000, '60m': 3_600_000, '90m': 5_400_000,
  '1h': 3_600_000, '1d': 86_400_000, '5d': 432_000_000, '1wk': 604_800_000, '1mo': 2_592_000_000, '3mo': 7_776_000_000,
};

/** How far back Yahoo serves each interval (days); backfill beyond it is refused at start. */
export const MAX_HISTORY_DAYS: Partial<Record<Interval, number>> = { '1m': 7, '2m': 60, '5m': 60, '15m': 60, '30m': 60, '60m': 730, '90m': 60, '1h': 730 };

/** Section `candles` of the config file. */
export const CandlesConfig = z
  .object({
    /** Tickers always fetched, Yahoo notation (AAPL, SAP.DE, BTC-USD, EURUSD=X). */
    watchlist: z.array(z.string().regex(/^[A-Z0-9.^=-]{1,20}$/, 'a Yahoo symbol in upper case')).default(['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'JPM', 'SPY', 'QQQ']),
    /** Bar interval. */
    interval: z.enum(INTERVALS).default('5m'),
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
  })
  .strict()
  .superRefine((c, ctx) => {
    const max = MAX_HISTORY_DAYS[c.interval];
    if (max !== undefined && c.backfillDays > max) {
      ctx.addIssue({ code: 'custom', path: ['backfillDays'], message: `Yahoo serves ${c.interval} bars for the last ${max} days only` });
    }
  });
export type CandlesConfig = z.infer<typeof CandlesConfig>;
