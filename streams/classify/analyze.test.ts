import { describe, expect, it } from 'vitest';
import type { NewsRaw } from '../../schemas/records.ts';
import { SAMPLES } from '../../schemas/samples.ts';
import { storyKey } from '../story/story-key.ts';
import { analyze, classified } from './analyze.ts';
import { TickerExtractor } from './tickers/extract-tickers.ts';
import { loadSymbolDirectory } from './tickers/symbol-directory.ts';

const tickers = new TickerExtractor(loadSymbolDirectory());
const raw = (title: string, summary: string | null = null, published: number | null = 1000): NewsRaw => ({
  event_uid: 'u'.repeat(64),
  published_at: published,
  source: 'https://feed/rss',
  title,
  link: 'https://x/1',
  summary,
  fetched_at: 2000,
});

describe('analyze', () => {
  const cases: Array<[string, string | null, { tickers: string[]; eventType: string; urgency: string }]> = [
    ['Apple beats estimates as iPhone sales jump', null, { tickers: ['AAPL'], eventType: 'earnings', urgency: 'routine' }],
    ['BREAKING: Microsoft to acquire Activision', null, { tickers: ['MSFT'], eventType: 'm&a', urgency: 'breaking' }],
    ['Shares little changed', 'Nokia said its second-quarter operating profit rose', { tickers: ['NOKIA.HE'], eventType: 'earnings', urgency: 'routine' }],
  ];
  it.each(cases)('%s', (title, summary, expected) => expect(analyze(raw(title, summary), tickers)).toEqual(expected));

  it('builds the classified record: event time is the publish time, else the fetch time', () => {
    const a = analyze(raw('Apple beats estimates'), tickers);
    const c = classified(raw('Apple beats estimates'), a, { label: 'positive', score: 0.91234567 }, 'm@1', 3000);
    expect(c).toMatchObject({ event_time: 1000, sentiment_label: 'positive', sentiment_score: 0.912346, model_version: 'm@1', classified_at: 3000, tickers: ['AAPL'] });
    expect(classified(raw('x', null, null), a, { label: 'neutral', score: 0.5 }, 'm@1', 3000).event_time).toBe(2000);
  });

  it('marks the story: copies of one headline from two outlets carry one story key, another story another', () => {
    const keyOf = (title: string) => classified(raw(title), analyze(raw(title), tickers), { label: 'neutral', score: 0.5 }, 'm@1', 3000).story_key;
    expect(keyOf('Apple beats estimates')).toBe(SAMPLES.newsClassified.story_key);
    expect(keyOf('UPDATE 1-Apple Beats Estimates - Reuters')).toBe(keyOf('Apple beats estimates'));
    expect(keyOf('Apple misses estimates')).toBe(storyKey('Apple misses estimates'));
    expect(keyOf('Apple misses estimates')).not.toBe(keyOf('Apple beats estimates'));
  });
});
