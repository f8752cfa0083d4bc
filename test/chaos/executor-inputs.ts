import type { Candle, Signal } from '../../schemas/records.ts';

// The paper executor's fault-test inputs: 20 tickers' one-minute bars and 300 PENDING signals
// among them. Ticker X01 has no bars from minute 100 to 139: its signals there are cancelled
// (TTL 10 min); every other signal fills at the next bar's open.

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const TICKERS = Array.from({ length: 20 }, (_, i) => `X${String(i).padStart(2, '0')}`);
const MINUTES = 400;
export const executorCandles: Candle[] = [];
for (let m = 0; m < MINUTES; m++) {
  for (const ticker of TICKERS) {
    if (ticker === 'X01' && m >= 100 && m < 140) continue;
    const open = 50 + ((m * 7 + ticker.charCodeAt(2)) % 100) / 10;
    executorCandles.push({ ticker, ts: T0 + m * MIN, interval: '1m', open, high: open + 1, low: open - 1, close: open, adjclose: null, volume: 100, source: 'chaos' });
  }
}
export const executorSignals: Signal[] = Array.from({ length: 300 }, (_, s) => ({
  signal_id: `exec-${s}`.padEnd(64, 'e'),
  ts: T0 + ((s * 7) % (MINUTES - 20)) * MIN + 30_000,
  ticker: TICKERS[s % TICKERS.length]!,
  action: s % 3 ? 'BUY' : 'SELL',
  confidence: 0.7,
  reason: '{}',
  status: 'PENDING',
  executed_at: null,
  filled_price: null,
  shares: null,
}));
