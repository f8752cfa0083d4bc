import { describe, expect, it } from 'vitest';
import { configDocument, feedsOf, feedsSnippet, setFeeds } from './feeds-yaml.ts';

describe('rss.feeds in a config file', () => {
  it('reads the feeds a file lists, none when it lists none', () => {
    expect(feedsOf(configDocument('rss:\n  feeds:\n    - https://a/rss\n', 'c.yml'), 'c.yml')).toEqual(['https://a/rss']);
    expect(feedsOf(configDocument('topics:\n  prefix: x\n', 'c.yml'), 'c.yml')).toEqual([]);
    expect(feedsOf(configDocument('', 'c.yml'), 'c.yml')).toEqual([]);
  });

  const refused: Array<[string, string, RegExp]> = [
    ['not YAML', 'rss: [', /c\.yml is not valid YAML/],
    ['not a mapping', '- a\n- b\n', /mapping at its top level/],
  ];
  it.each(refused)('refuses a file that is %s', (_n, text, message) => expect(() => configDocument(text, 'c.yml')).toThrow(message));

  it('refuses rss.feeds that is not a list', () => {
    expect(() => feedsOf(configDocument('rss:\n  feeds: https://a/rss\n', 'c.yml'), 'c.yml')).toThrow(/rss\.feeds: a list of URLs/);
  });

  it('sets rss.feeds keeping the other keys and every comment, new feeds titled', () => {
    const doc = configDocument('# mine\ntopics:\n  prefix: x # keep\nrss:\n  pollIntervalSeconds: 30\n  feeds:\n    - https://a/rss # A feed\n', 'c.yml');
    setFeeds(doc, ['https://a/rss', 'https://b/rss'], new Map([['https://b/rss', 'Markets / B\nnews']]));
    expect(String(doc)).toBe('# mine\ntopics:\n  prefix: x # keep\nrss:\n  pollIntervalSeconds: 30\n  feeds:\n    - https://a/rss # A feed\n    - https://b/rss # Markets / B news\n');
  });

  it('adds an rss section to a file without one, and prints a snippet', () => {
    const doc = configDocument('topics:\n  prefix: x\n', 'c.yml');
    setFeeds(doc, ['https://a/rss'], new Map());
    expect(String(doc)).toBe('topics:\n  prefix: x\nrss:\n  feeds:\n    - https://a/rss\n');
    expect(feedsSnippet(['https://a/rss'], new Map([['https://a/rss', 'A']]))).toBe('rss:\n  feeds:\n    - https://a/rss # A\n');
  });
});
