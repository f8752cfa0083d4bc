import { describe, expect, it } from 'vitest';
import { SAMPLES } from '../../schemas/samples.ts';
import type { FeedState } from '../../schemas/records.ts';
import { isStale, newestItemAt } from './feed-staleness.ts';

const H = 3_600_000;
const NOW = Date.UTC(2024, 0, 10);
const state = (s: Partial<FeedState>): FeedState => ({ ...SAMPLES.feedsState, last_seen_published: null, newest_item_at: null, ...s });

describe('feed staleness', () => {
  const cases: Array<[string, FeedState | undefined, number | null, boolean]> = [
    ['no state: not judged', undefined, null, false],
    ['no item yet: not judged', state({}), null, false],
    ['a new item an hour ago', state({ newest_item_at: NOW - H }), NOW - H, false],
    ['the newest item 49 h ago', state({ newest_item_at: NOW - 49 * H }), NOW - 49 * H, true],
    ['exactly 48 h is not yet stale', state({ newest_item_at: NOW - 48 * H }), NOW - 48 * H, false],
    ['a state written before newest_item_at: its newest publish date', state({ newest_item_at: undefined, last_seen_published: NOW - 72 * H }), NOW - 72 * H, true],
    ['newest_item_at wins over an older publish date', state({ newest_item_at: NOW - H, last_seen_published: NOW - 72 * H }), NOW - H, false],
  ];
  it.each(cases)('%s', (_n, s, newest, stale) => {
    expect(newestItemAt(s)).toBe(newest);
    expect(isStale(s, NOW, 48 * H)).toBe(stale);
  });
});
