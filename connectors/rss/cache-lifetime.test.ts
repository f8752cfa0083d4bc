import { describe, expect, it } from 'vitest';
import { cacheLifetimeMs } from './cache-lifetime.ts';

const NOW = Date.UTC(2024, 0, 2, 12, 0, 0);

describe('cacheLifetimeMs', () => {
  const cases: Array<[string, Record<string, string>, number | null]> = [
    ['no cache headers', {}, null],
    ['max-age', { 'cache-control': 'public, max-age=600' }, 600_000],
    ['max-age less the Age a cache held it', { 'cache-control': 'max-age=600', age: '100' }, 500_000],
    ['Age past max-age is 0', { 'cache-control': 'max-age=60', age: '100' }, 0],
    ['quoted max-age', { 'cache-control': 'max-age="300"' }, 300_000],
    ['max-age wins over Expires', { 'cache-control': 'max-age=60', expires: 'Tue, 02 Jan 2024 14:00:00 GMT' }, 60_000],
    ['no-cache: no lower bound', { 'cache-control': 'no-cache, max-age=600' }, null],
    ['no-store: no lower bound', { 'cache-control': 'no-store' }, null],
    ['Expires from now without Date', { expires: 'Tue, 02 Jan 2024 13:00:00 GMT' }, 3_600_000],
    ['Expires from the response Date (clock skew does not count)', { expires: 'Tue, 02 Jan 2024 13:00:00 GMT', date: 'Tue, 02 Jan 2024 12:30:00 GMT' }, 1_800_000],
    ['Expires past', { expires: 'Tue, 02 Jan 2024 11:00:00 GMT' }, 0],
    ['Expires that is no date means expired', { expires: '-1' }, 0],
    ['a bad max-age falls back to Expires', { 'cache-control': 'max-age=soon', expires: 'Tue, 02 Jan 2024 12:10:00 GMT' }, 600_000],
    ['s-maxage is for shared caches only', { 'cache-control': 's-maxage=600' }, null],
  ];
  it.each(cases)('%s', (_n, headers, expected) => expect(cacheLifetimeMs(new Headers(headers), NOW)).toBe(expected));
});
