import { describe, expect, it } from 'vitest';
import { parseHttpDate } from './http-date.ts';
import { retryAfterMs } from './retry-after.ts';

const NOW = Date.UTC(2024, 0, 2, 12, 0, 0);

describe('retryAfterMs', () => {
  const cases: Array<[string, string | null, number | null]> = [
    ['delay-seconds', '3600', 3_600_000],
    ['zero seconds', '0', 0],
    ['padded', '  120 ', 120_000],
    ['IMF-fixdate an hour ahead', 'Tue, 02 Jan 2024 13:00:00 GMT', 3_600_000],
    ['RFC 850 date', 'Tuesday, 02-Jan-24 12:30:00 GMT', 1_800_000],
    ['asctime date', 'Tue Jan  2 12:00:30 2024', 30_000],
    ['a date already past is 0', 'Tue, 02 Jan 2024 11:00:00 GMT', 0],
    ['negative seconds are unreadable', '-5', null],
    ['fractional seconds are unreadable', '1.5', null],
    ['garbage', 'soon', null],
    ['empty', '', null],
    ['absent', null, null],
  ];
  it.each(cases)('%s', (_n, header, expected) => expect(retryAfterMs(header, NOW)).toBe(expected));
});

describe('parseHttpDate', () => {
  const cases: Array<[string, string | null, number | null]> = [
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT', Date.UTC(1994, 10, 6, 8, 49, 37)],
    ['RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT', Date.UTC(1994, 10, 6, 8, 49, 37)],
    ['asctime (GMT by definition)', 'Sun Nov  6 08:49:37 1994', Date.UTC(1994, 10, 6, 8, 49, 37)],
    ['asctime with an unknown month', 'Sun Foo  6 08:49:37 1994', null],
    ['not a date', '0', null],
    ['absent', null, null],
  ];
  it.each(cases)('%s', (_n, text, expected) => expect(parseHttpDate(text)).toBe(expected));
});
