import type { Candle } from '../../schemas/records.ts';

// A chart() result to candles. Bars with any null price are skipped and counted (Yahoo
// emits them for halts and for the still-forming bar). Prices are Yahoo's raw OHLC, which
// Yahoo already adjusts for splits but not for dividends; the dividend-adjusted close is
// carried separately as `adjclose` when Yahoo gives it (daily bars and longer).

export interface ChartQuote {
  date: Date;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  volume: number | null;
  adjclose?: number | null;
}

export function chartToCandles(ticker: string, interval: string, quotes: readonly ChartQuote[], after: number | null): { candles: Candle[]; nullBars: number } {
  const candles: Candle[] = [];
  let nullBars = 0;
  for (const q of quotes) {
    const ts = q.date.getTime();
    if (after !== null && ts <= after) continue;
    if (q.open === null || q.high === null || q.low === null || q.close === null) {
      nullBars++;
      continue;
    }
    candles.push({
      ticker,
      ts,
      interval,
      open: q.open,
      high: q.high,
      low: q.low,
      close: q.close,
      adjclose: q.adjclose ?? null,
      volume: q.volume === null || q.volume === undefined ? null : Math.round(q.volume),
      source: 'yahoo',
    });
  }
  return { candles, nullBars };
}
