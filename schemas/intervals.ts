/** Yahoo's chart intervals, shortest first: the bar sizes market.candles may carry. */
export const INTERVALS = ['1m', '2m', '5m', '15m', '30m', '60m', '90m', '1h', '1d', '5d', '1wk', '1mo', '3mo'] as const;
export type Interval = (typeof INTERVALS)[number];

/** Bar length in ms (months approximated to 30 days: only used for spacing requests). */
export const INTERVAL_MS: Record<Interval, number> = {
  '1m': 60_000, '2m': 120_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000, '60m': 3_600_000, '90m': 5_400_000,
  '1h': 3_600_000, '1d': 86_400_000, '5d': 432_000_000, '1wk': 604_800_000, '1mo': 2_592_000_000, '3mo': 7_776_000_000,
};
