import { describe, expect, it } from 'vitest';
import type { FeedState } from '../../schemas/records.ts';
import { SAMPLES } from '../../schemas/samples.ts';
import { feedRows, type FeedRow } from './feed-rows.ts';

const H = 3_600_000;
const NOW = Date.UTC(2024, 0, 10, 12);
const state = (s: Partial<FeedState>): FeedState => ({ ...SAMPLES.feedsState, moved_to: null, earliest_poll_at: null, ...s });
const iso = (ms: number) => new Date(ms).toISOString();

describe('feedRows', () => {
  const cases: Array<[string, FeedState | undefined, Partial<FeedRow>]> = [
    ['not polled yet', undefined, { known: false, updatedAt: null, newestItemAt: null, stale: false, movedTo: null, notBefore: null }],
    ['fresh', state({ updated_at: NOW - H, newest_item_at: NOW - 2 * H }), { known: true, updatedAt: iso(NOW - H), newestItemAt: iso(NOW - 2 * H), stale: false, etag: '"abc"' }],
    ['stale', state({ newest_item_at: NOW - 50 * H }), { stale: true }],
    ['moved', state({ moved_to: 'https://new.example/rss' }), { movedTo: 'https://new.example/rss' }],
    ['held off by its publisher', state({ earliest_poll_at: NOW + H }), { notBefore: iso(NOW + H) }],
    ['a wait that has passed is not shown', state({ earliest_poll_at: NOW - H }), { notBefore: null }],
  ];
  it.each(cases)('%s', (_n, s, expected) => {
    const [row] = feedRows(['https://example.org/feed.xml'], () => s, NOW, 48 * H);
    expect(row).toMatchObject({ feed: 'https://example.org/feed.xml', ...expected });
  });
});
