import { describe, expect, it } from 'vitest';
import { mergeFeeds } from './merge-feeds.ts';
import type { OpmlFeed } from './opml.ts';

const f = (url: string): OpmlFeed => ({ url, title: null, category: null });

describe('mergeFeeds', () => {
  const cases: Array<[string, string[], string[], string[], string[]]> = [
    ['into nothing', [], ['https://a/rss', 'https://b/rss'], ['https://a/rss', 'https://b/rss'], []],
    ['configured ones first, as they are', ['https://c/rss'], ['https://a/rss'], ['https://c/rss', 'https://a/rss'], []],
    ['a configured feed is not added twice', ['https://a/rss'], ['https://a/rss', 'https://b/rss'], ['https://a/rss', 'https://b/rss'], ['https://a/rss']],
    ['the same URL once parsed (host case, default port, empty path)', ['https://a.example'], ['HTTPS://A.example:443/'], ['https://a.example'], ['HTTPS://A.example:443/']],
    ['twice in the list: once', [], ['https://a/rss', 'https://a/rss'], ['https://a/rss'], ['https://a/rss']],
  ];
  it.each(cases)('%s', (_n, configured, imported, feeds, present) => {
    const r = mergeFeeds(configured, imported.map(f));
    expect(r.feeds).toEqual(feeds);
    expect(r.present.map((p) => p.url)).toEqual(present);
    expect(r.added.map((a) => a.url)).toEqual(feeds.slice(configured.length));
  });
});
