import { describe, expect, it } from 'vitest';
import { classifyYahooError } from './candles-source.ts';
import { chartToCandles, type ChartQuote } from './chart-to-candles.ts';
import { backfillProblem, CandlesConfig } from './config.ts';

const q = (iso: string, close: number | null, volume: number | null = 100): ChartQuote => ({
  date: new Date(iso),
  open: close === null ? null : close - 1,
  high: close === null ? null : close + 1,
  low: close === null ? null : close - 2,
  close,
  volume,
  adjclose: close === null ? null : close * 0.99,
});

describe('chartToCandles', () => {
  const quotes = [q('2024-01-02T14:30:00Z', 10), q('2024-01-02T14:31:00Z', null, null), q('2024-01-02T14:32:00Z', 11, null), q('2024-01-02T14:33:00Z', 12, 1.6)];
  const cases: Array<[string, number | null, number[], number]> = [
    ['all bars, null bar skipped and counted', null, [10, 11, 12], 1],
    ['only bars after the last produced', Date.parse('2024-01-02T14:30:00Z'), [11, 12], 1],
    ['nothing newer', Date.parse('2024-01-02T14:33:00Z'), [], 0],
  ];
  it.each(cases)('%s', (_n, after, closes, nulls) => {
    const { candles, nullBars } = chartToCandles('AAPL', '1m', quotes, after);
    expect(candles.map((c) => c.close)).toEqual(closes);
    expect(nullBars).toBe(nulls);
  });

  it('keeps UTC bar starts, null volume, rounds fractional volume, carries adjclose', () => {
    const { candles } = chartToCandles('AAPL', '1m', quotes, null);
    expect(candles.map((c) => [new Date(c.ts).toISOString(), c.volume])).toEqual([
      ['2024-01-02T14:30:00.000Z', 100],
      ['2024-01-02T14:32:00.000Z', null],
      ['2024-01-02T14:33:00.000Z', 2],
    ]);
    expect(candles[0]).toMatchObject({ ticker: 'AAPL', interval: '1m', source: 'yahoo', adjclose: 9.9 });
  });
});

describe('classifyYahooError', () => {
  const cases: Array<[string, unknown, string, boolean]> = [
    ['429', Object.assign(new Error('Too Many Requests'), { name: 'HTTPError', code: 429 }), 'rate-limit', true],
    ['503', Object.assign(new Error('Service Unavailable'), { name: 'HTTPError', code: 503 }), 'server', true],
    ['crumb', new Error('Could not get crumb'), 'crumb', true],
    ['not found', Object.assign(new Error('No data found, symbol may be delisted'), { name: 'NotFoundError' }), 'not-found', false],
    ['validation', Object.assign(new Error('Failed Yahoo Schema validation'), { name: 'FailedYahooValidationError' }), 'invalid', false],
    ['socket', new Error('fetch failed'), 'network', true],
  ];
  it.each(cases)('%s', (_n, err, kind, retry) => expect(classifyYahooError(err)).toEqual({ kind, retry }));
});

describe('CandlesConfig', () => {
  it('refuses a backfill Yahoo does not serve for the interval', () => {
    expect(backfillProblem(CandlesConfig.parse({ backfillDays: 30 }), '1m')).toMatch(/1m bars for the last 7 days only/);
    expect(backfillProblem(CandlesConfig.parse({ backfillDays: 3650 }), '1d')).toBeNull();
  });
  it('refuses lower-case or odd symbols', () => {
    expect(() => CandlesConfig.parse({ watchlist: ['aapl'] })).toThrow(/Yahoo symbol/);
  });
});
