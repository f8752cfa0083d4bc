import { describe, expect, it } from 'vitest';
import { feedRefreshMs, type FeedRefreshFields } from './feed-refresh.ts';
import { parseFeed } from './parse-feed.ts';

describe('feedRefreshMs', () => {
  const cases: Array<[string, FeedRefreshFields, number | null]> = [
    ['nothing', {}, null],
    ['ttl in minutes', { ttl: '60' }, 3_600_000],
    ['ttl padded', { ttl: ' 15\n' }, 900_000],
    ['ttl zero says nothing', { ttl: '0' }, null],
    ['ttl not a number', { ttl: 'hourly' }, null],
    ['sy:updatePeriod alone: once per period', { updatePeriod: 'daily' }, 86_400_000],
    ['sy:updatePeriod with frequency', { updatePeriod: 'hourly', updateFrequency: '4' }, 900_000],
    ['sy:updatePeriod in capitals', { updatePeriod: 'Weekly' }, 7 * 86_400_000],
    ['an unknown period', { updatePeriod: 'fortnightly' }, null],
    ['a bad frequency', { updatePeriod: 'daily', updateFrequency: 'often' }, null],
    ['both: the longer wins', { ttl: '30', updatePeriod: 'hourly' }, 3_600_000],
  ];
  it.each(cases)('%s', (_n, fields, expected) => expect(feedRefreshMs(fields)).toBe(expected));
});

describe('parseFeed reads the refresh hint of the channel', () => {
  const cases: Array<[string, string, number | null]> = [
    ['RSS 2.0 <ttl>', '<rss version="2.0"><channel><title>t</title><ttl>90</ttl><item><title>a</title></item></channel></rss>', 90 * 60_000],
    [
      'RSS 1.0 sy:updatePeriod and sy:updateFrequency',
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">' +
        '<channel><title>t</title><sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency></channel><item><title>a</title></item></rdf:RDF>',
      30 * 60_000,
    ],
    [
      'the Syndication module under another prefix (craigslist: syn)',
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:syn="http://purl.org/rss/1.0/modules/syndication/">' +
        '<channel><title>t</title><syn:updatePeriod>daily</syn:updatePeriod></channel><item><title>a</title></item></rdf:RDF>',
      86_400_000,
    ],
    ['a sy: prefix bound to another namespace is not the module', '<rss version="2.0" xmlns:sy="http://example.org/other"><channel><title>t</title><sy:updatePeriod>daily</sy:updatePeriod><item><title>a</title></item></channel></rss>', null],
    ['Atom says nothing', '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>a</title><id>1</id></entry></feed>', null],
  ];
  it.each(cases)('%s', async (_n, xml, expected) => expect((await parseFeed(Buffer.from(xml), 'application/xml')).refreshMs).toBe(expected));
});
