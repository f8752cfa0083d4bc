import { describe, expect, it } from 'vitest';
import type { Candle, NewsClassified } from '../../schemas/records.ts';
import { SAMPLES } from '../../schemas/samples.ts';
import { SignalRules } from '../signals/config.ts';
import { SignalEngine } from '../signals/engine.ts';
import { candleInput, newsInput } from '../signals/to-input.ts';
import { rederive } from './rederive.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const rules = SignalRules.parse({ halfLifeMinutes: 10, buyThreshold: 0.6, sellThreshold: 0.6, cooldownMinutes: 0, allowedLatenessSeconds: 60 });
const bar = (minute: number, ticker = 'AAPL', interval = '1m'): Candle => ({ ...SAMPLES.marketCandles, ticker, interval, ts: T0 + minute * MIN, open: 100, high: 101, low: 99, close: 100 + minute / 10 });
const item = (uid: string, minute: number, tickers: string[], label = 'positive'): NewsClassified => ({
  ...SAMPLES.newsClassified,
  event_uid: uid.padEnd(64, '0'),
  title: `news ${uid}`,
  story_key: null,
  tickers,
  sentiment_label: label,
  event_time: T0 + minute * MIN,
  published_at: T0 + minute * MIN,
  fetched_at: T0 + minute * MIN,
  classified_at: T0 + minute * MIN,
});

describe('rederive', () => {
  const news = [item('a', 1.5, ['AAPL', 'MSFT']), item('b', 4.5, ['MSFT'], 'negative'), item('c', 6.5, ['AAPL'], 'negative')];
  const candles = [...Array.from({ length: 10 }, (_, m) => bar(m)), ...Array.from({ length: 10 }, (_, m) => bar(m, 'MSFT')), bar(0, 'AAPL', '5m')];

  it('gives the decisions a fresh engine makes from the ticker\'s records alone, up to the bar end', () => {
    const barEnd = T0 + 8 * MIN;
    const engine = new SignalEngine(rules);
    const alone = [
      ...news.filter((n) => n.tickers.includes('AAPL')).map((n) => ({ ...newsInput(n), tickers: ['AAPL'] })),
      ...candles.filter((c) => c.ticker === 'AAPL' && c.interval === '1m' && c.ts + MIN <= barEnd).map((c) => candleInput(c, '1m')),
    ].sort((x, y) => (x.kind === 'news' ? x.eventTime : x.ts + MIN) - (y.kind === 'news' ? y.eventTime : y.ts + MIN));
    const expected = [...alone.flatMap((i) => engine.push(i).signals), ...engine.flush()];
    const signals = rederive('AAPL', news, candles, rules, '1m', barEnd);
    // MSFT's negative item at 4.5 min would have held the BUYs at 5 and 6 back; AAPL's at 6.5 min
    // outweighs the positive one from then on.
    expect(signals.map((s) => [s.ticker, s.action, (s.ts - T0) / MIN])).toEqual([2, 3, 4, 5, 6].map((m) => ['AAPL', 'BUY', m]));
    expect(signals).toEqual(expected);
  });

  it('a bar of another interval is left out, as the live processor sends it to the DLQ', () => {
    const withOther = rederive('AAPL', news, candles, rules, '1m', T0 + 8 * MIN);
    const without = rederive('AAPL', news, candles.filter((c) => c.interval === '1m'), rules, '1m', T0 + 8 * MIN);
    expect(withOther.length).toBeGreaterThan(0);
    expect(withOther).toEqual(without);
  });

  it('an item about two tickers counts for this one only; another ticker\'s news not at all', () => {
    const last = rederive('AAPL', news, candles, rules, '1m', T0 + 6 * MIN).at(-1)!;
    expect(last.ts).toBe(T0 + 6 * MIN);
    expect(JSON.parse(last.reason).news.map((n: { event_uid: string }) => n.event_uid[0])).toEqual(['a']);
  });

  it('other rules give other decisions from the same records', () => {
    expect(rederive('AAPL', news, candles, { ...rules, buyThreshold: 2, sellThreshold: 2 }, '1m', T0 + 8 * MIN)).toEqual([]);
  });
});
