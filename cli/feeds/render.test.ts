import { describe, expect, it } from 'vitest';
import type { FeedRow } from './feed-rows.ts';
import { renderFeedList, renderImport } from './render.ts';

const row = (feed: string, r: Partial<FeedRow> = {}): FeedRow => ({
  feed,
  known: true,
  updatedAt: '2024-01-10T11:00:00.000Z',
  etag: null,
  lastModified: null,
  newestItemAt: '2024-01-10T10:00:00.000Z',
  stale: false,
  movedTo: null,
  notBefore: null,
  ...r,
});

describe('feeds list lines', () => {
  it('one line per feed, details below it, and a count', () => {
    const text = renderFeedList({
      staleAfterHours: 48,
      feeds: [
        row('https://a/rss', { stale: true, etag: '"e1"' }),
        row('https://b/rss', { movedTo: 'https://b/v2', notBefore: '2024-01-10T13:00:00.000Z' }),
        row('https://c/rss', { known: false, updatedAt: null, newestItemAt: null }),
      ],
      unconfigured: ['https://old/rss'],
    });
    expect(text).toBe(
      [
        'stale  updated               newest item           feed',
        'yes    2024-01-10T11:00:00Z  2024-01-10T10:00:00Z  https://a/rss',
        '       etag "e1"',
        'no     2024-01-10T11:00:00Z  2024-01-10T10:00:00Z  https://b/rss',
        '       moved to https://b/v2',
        '       the publisher asked to wait until 2024-01-10T13:00:00Z',
        '-      -                     -                     https://c/rss',
        '',
        '3 feeds, 1 stale (no new item for 48 h), 1 not polled yet',
        'feeds.state also holds 1 feed(s) no longer configured: https://old/rss',
        '',
      ].join('\n'),
    );
  });

  it('says what an import did and what to do next', () => {
    const base = { source: 'list.opml', feeds: ['https://a/rss'], added: [{ url: 'https://a/rss', title: null, category: null }], present: [], skipped: [{ xmlUrl: 'feed://x', reason: 'not an http(s) URL' }] };
    expect(renderImport({ ...base, base: 'c.yml', wrote: null, yaml: '' })).toBe(
      'list.opml: 1 feeds, 1 new, 0 already in rss.feeds\n  skipped feed://x: not an http(s) URL\nreplace rss.feeds of c.yml with the YAML above, or write it there with --out c.yml\n',
    );
    expect(renderImport({ ...base, base: null, wrote: 'out.yml', yaml: null })).toMatch(/wrote rss\.feeds \(1 feeds\) to out\.yml\n$/);
  });
});
