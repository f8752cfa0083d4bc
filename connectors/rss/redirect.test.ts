import { describe, expect, it } from 'vitest';
import { isPermanentRedirect, isRedirect, redirectTarget } from './redirect.ts';

describe('redirects', () => {
  const kinds: Array<[number, boolean, boolean]> = [
    [301, true, true],
    [308, true, true],
    [302, true, false],
    [303, true, false],
    [307, true, false],
    [304, false, false],
    [200, false, false],
  ];
  it.each(kinds)('%i: redirect %s, permanent %s', (status, redirect, permanent) => {
    expect(isRedirect(status)).toBe(redirect);
    expect(isPermanentRedirect(status)).toBe(permanent);
  });

  const targets: Array<[string, string, string]> = [
    ['absolute', 'https://new.example/feed.xml', 'https://new.example/feed.xml'],
    ['relative path', '/news/rss', 'http://old.example/news/rss'],
    ['relative to the directory', 'rss2', 'http://old.example/a/rss2'],
    ['fragment dropped', 'https://new.example/feed#top', 'https://new.example/feed'],
  ];
  it.each(targets)('resolves a %s Location', (_n, location, expected) => expect(redirectTarget(301, location, 'http://old.example/a/rss')).toBe(expected));

  const refused: Array<[string, string | null, RegExp]> = [
    ['no Location', null, /without a Location/],
    ['a file URL', 'file:///etc/passwd', /non-HTTP URL \(file:\)/],
    ['an unreadable URL', 'http://[::1', /unreadable Location/],
  ];
  it.each(refused)('fails on %s with an http FeedError', (_n, location, message) => {
    expect(() => redirectTarget(302, location, 'http://old.example/rss')).toThrow(message);
    expect(() => redirectTarget(302, location, 'http://old.example/rss')).toThrow(expect.objectContaining({ name: 'FeedError', kind: 'http', status: 302 }));
  });
});
