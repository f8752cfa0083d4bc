import { describe, expect, it } from 'vitest';
import { OpmlError, parseOpml, type OpmlFeed } from './opml.ts';

const opml = (body: string, head = '<head><title>subscriptions</title></head>') => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><opml version="2.0">${head}<body>${body}</body></opml>`);
const feed = (url: string, title: string | null = null, category: string | null = null): OpmlFeed => ({ url, title, category });

describe('parseOpml', () => {
  const cases: Array<[string, string, OpmlFeed[]]> = [
    ['a flat list', '<outline type="rss" text="A" xmlUrl="https://a.example/rss"/><outline text="B" xmlUrl="http://b.example/feed"/>', [feed('https://a.example/rss', 'A'), feed('http://b.example/feed', 'B')]],
    ['title wins over text', '<outline text="short" title="Long title" xmlUrl="https://a.example/rss"/>', [feed('https://a.example/rss', 'Long title')]],
    ['folders become the category, at any depth', '<outline text="Markets"><outline text="US"><outline text="A" xmlUrl="https://a.example/rss"/></outline><outline text="B" xmlUrl="https://b.example/rss"/></outline><outline text="C" xmlUrl="https://c.example/rss"/>', [feed('https://a.example/rss', 'A', 'Markets / US'), feed('https://b.example/rss', 'B', 'Markets'), feed('https://c.example/rss', 'C')]],
    ['a feed outline written open and closed', '<outline text="F"><outline text="A" xmlUrl="https://a.example/rss"></outline><outline text="B" xmlUrl="https://b.example/rss"/></outline>', [feed('https://a.example/rss', 'A', 'F'), feed('https://b.example/rss', 'B', 'F')]],
    ['entities in attributes', '<outline text="Dow &amp; Jones &#8212; &#x2018;top&#x2019;" xmlUrl="https://a.example/rss?x=1&amp;y=2"/>', [feed('https://a.example/rss?x=1&y=2', 'Dow & Jones — ‘top’')]],
    ['single quotes, odd case, spaces', "<outline  xmlurl = 'https://a.example/rss'  TEXT='A' />", [feed('https://a.example/rss', 'A')]],
    ['a > inside an attribute', '<outline text="a > b" xmlUrl="https://a.example/rss"/>', [feed('https://a.example/rss', 'a > b')]],
    ['each URL once', '<outline xmlUrl="https://a.example/rss"/><outline xmlUrl="https://A.example/rss"/>', [feed('https://a.example/rss')]],
    ['outlines without xmlUrl are folders or links, not feeds', '<outline text="site" type="link" url="https://a.example/"/>', []],
    ['commented-out outlines are not read', '<!-- <outline xmlUrl="https://old.example/rss"/> --><outline xmlUrl="https://a.example/rss"/>', [feed('https://a.example/rss')]],
  ];
  it.each(cases)('%s', (_n, body, expected) => expect(parseOpml(opml(body)).feeds).toEqual(expected));

  it('skips, with the reason, an xmlUrl that is not http(s)', () => {
    const r = parseOpml(opml('<outline xmlUrl="feed://a.example/rss"/><outline xmlUrl="not a url"/><outline xmlUrl="https://b.example/rss"/>'));
    expect(r.skipped).toEqual([
      { xmlUrl: 'feed://a.example/rss', reason: 'not an http(s) URL' },
      { xmlUrl: 'not a url', reason: 'not an http(s) URL' },
    ]);
    expect(r.feeds.map((f) => f.url)).toEqual(['https://b.example/rss']);
  });

  it('reads a Latin-1 document by its prolog', () => {
    const body = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><opml><body><outline text="'), Buffer.from([0x4d, 0xe3, 0x65]), Buffer.from('" xmlUrl="https://a.example/rss"/></body></opml>')]);
    expect(parseOpml(body).feeds[0]!.title).toBe('Mãe');
  });

  const refused: Array<[string, string, RegExp]> = [
    ['not OPML', '<rss version="2.0"><channel/></rss>', /not an OPML document/],
    ['entity declarations', '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]><opml><body><outline text="&x;" xmlUrl="https://a.example/rss"/></body></opml>', /declares XML entities/],
  ];
  it.each(refused)('refuses %s with an OpmlError (exit code 2)', (_n, text, message) => {
    expect(() => parseOpml(Buffer.from(text), 'list.opml')).toThrow(message);
    expect(() => parseOpml(Buffer.from(text), 'list.opml')).toThrow(OpmlError);
    expect(new OpmlError('x').exitCode).toBe(2);
  });
});
