import { describe, expect, it } from 'vitest';
import { BadRecordError } from '../../core/errors.ts';
import type { Candle, NewsClassified } from '../../schemas/records.ts';
import { SAMPLES } from '../../schemas/samples.ts';
import { storyKey } from '../story/story-key.ts';
import { SignalRules } from './config.ts';
import { SignalEngine } from './engine.ts';
import type { NewsInput } from './inputs.ts';
import { candleInput, newsInput } from './to-input.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const item = (n: Partial<NewsClassified>): NewsClassified => ({ ...SAMPLES.newsClassified, event_uid: 'a'.repeat(64), tickers: ['AAPL'], ...n });
const bar = (minute: number, c: Partial<Candle> = {}): Candle => ({ ...SAMPLES.marketCandles, ticker: 'AAPL', interval: '1m', ts: T0 + minute * MIN, open: 10, high: 11, low: 9, close: 10, ...c });

describe('newsInput', () => {
  it.each([
    ['published before the fetch', { event_time: T0, fetched_at: T0 + MIN }, T0],
    ['published after the fetch (a wrong zone): the fetch', { event_time: T0 + 10 * 3_600_000, fetched_at: T0 + MIN }, T0 + MIN],
    ['published a year ahead: the fetch', { event_time: T0 + 365 * 86_400_000, fetched_at: T0 }, T0],
  ])('event time of an item %s', (_, fields, eventTime) => {
    expect((newsInput(item(fields)) as NewsInput).eventTime).toBe(eventTime);
  });

  it.each([
    ['its own story key', { story_key: 'f'.repeat(64) }, 'f'.repeat(64)],
    ['no story key (a record written before the field): its title\'s', { story_key: null, title: 'Apple misses estimates' }, storyKey('Apple misses estimates')],
    ['no story_key field at all (decoded with the old schema): its title\'s', { story_key: undefined, title: 'Apple misses estimates' }, storyKey('Apple misses estimates')],
  ])('story key of an item with %s', (_, fields, key) => {
    expect((newsInput(item(fields)) as NewsInput).storyKey).toBe(key);
  });

  it.each([['a 64-bit key', 'f'.repeat(16)], ['upper case', 'F'.repeat(64)], ['not hex', 'x'.repeat(64)]])('refuses a story key that is %s', (_, story_key) => {
    expect(() => newsInput(item({ story_key }))).toThrow(BadRecordError);
    expect(() => newsInput(item({ story_key }))).toThrow(/story_key = .* is not 64 lower-case hex digits/);
  });

  it('a far-future publish time does not move the watermark: the next bars are on time', () => {
    const engine = new SignalEngine(SignalRules.parse({ allowedLatenessSeconds: 60 }));
    engine.push(candleInput(bar(0), '1m'));
    engine.push(newsInput(item({ event_time: T0 + 48 * 3_600_000, fetched_at: T0 + MIN })));
    for (let m = 1; m < 5; m++) expect(engine.push(candleInput(bar(m), '1m')).late).toBe(false);
    expect(engine.stats.late).toBe(0);
  });
});

describe('candleInput', () => {
  it.each([
    ['another interval than the deployment\'s', bar(0, { interval: '5m' }), /a 5m bar, but this deployment's market.candles carries 1m bars/],
    ['an unknown interval', bar(0, { interval: '7m' }), /unknown interval "7m"/],
    ['a zero price', bar(0, { low: 0 }), /low = 0 is not a positive price/],
    ['a close above the high', bar(0, { close: 12 }), /close 12 is outside/],
  ])('refuses %s', (_, c, reason) => {
    expect(() => candleInput(c, '1m')).toThrow(BadRecordError);
    expect(() => candleInput(c, '1m')).toThrow(reason);
  });
});
