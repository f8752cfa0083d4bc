import Parser from 'rss-parser';
import { decodeBody } from './body-text.ts';
import { eventUid } from './event-uid.ts';
import { implausibleDate, parseFeedDate } from './feed-dates.ts';
import { FeedError } from './feed-error.ts';
import { feedRefreshMs } from './feed-refresh.ts';

// Feed bytes to items: decode by the declared charset, refuse entity tricks, parse RSS
// 0.9x/1.0/2.0 or Atom with rss-parser, and map each item to what news.raw needs; the channel's
// refresh hint (<ttl>, sy:updatePeriod) comes along for the schedule.

export interface FeedItem {
  eventUid: string;
  title: string;
  link: string | null;
  summary: string | null;
  publishedAt: number | null;
  /** The date text when it could not be read or is implausible, and why (logged as a warning, left null). */
  unreadableDate?: string;
}

export interface ParsedFeed {
  items: FeedItem[];
  /** How long the feed says it stays unchanged (feed-refresh.ts), ms; null when it does not say. */
  refreshMs: number | null;
}

type ChannelFields = { ttl?: string; updatePeriod?: string; updateFrequency?: string };

/** The prefix a document binds the Syndication module's namespace to: `sy` by convention, any in truth (craigslist: `syn`). */
function syndicationPrefix(text: string): string | null {
  return /xmlns:([A-Za-z_][\w.-]*)\s*=\s*["']http:\/\/purl\.org\/rss\/1\.0\/modules\/syndication\/["']/.exec(text.slice(0, 64 * 1024))?.[1] ?? null;
}

// rss-parser copies custom fields by their prefixed name, so there is one parser per prefix.
const parsers = new Map<string, Parser<ChannelFields>>();
function parserFor(prefix: string | null): Parser<ChannelFields> {
  const key = prefix ?? '';
  let parser = parsers.get(key);
  if (!parser) {
    const feed = prefix ? [[`${prefix}:updatePeriod`, 'updatePeriod'], [`${prefix}:updateFrequency`, 'updateFrequency']] : [];
    // rss-parser takes [from, to] pairs at run time; its types only know plain names.
    parser = new Parser<ChannelFields>({ xml2js: { strict: true }, customFields: { feed: feed as unknown as Array<keyof ChannelFields> } });
    parsers.set(key, parser);
  }
  return parser;
}

/**
 * Entity declarations are how billion-laughs and external-entity (XXE) attacks work; no
 * legitimate feed needs them. A plain DOCTYPE without an internal subset (RSS 0.91's) is fine.
 */
export function checkXmlSafety(text: string): string {
  const head = text.slice(0, 64 * 1024);
  if (/<!ENTITY/i.test(head) || /<!DOCTYPE[^>[]*\[/i.test(head)) {
    throw new FeedError('xml-entities', 'the document declares XML entities (DOCTYPE internal subset); refused');
  }
  return text.replace(/<!DOCTYPE[^>[]*>/i, '');
}

function plain(text: string | undefined | null, max = 4000): string | null {
  if (!text) return null;
  const s = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/\s+/g, ' ')
    .trim();
  return s ? s.slice(0, max) : null;
}

type RawItem = Parser.Item & { id?: string; published?: string; updated?: string; summary?: string; 'dc:date'?: string };

/** `fetchedAt` (default now) bounds the plausible publish dates (feed-dates.ts). */
export async function parseFeed(body: Buffer, contentType?: string | null, fetchedAt = Date.now()): Promise<ParsedFeed> {
  const { text } = decodeBody(body, contentType);
  if (!text.trim()) throw new FeedError('not-a-feed', 'the body is empty');
  const safe = checkXmlSafety(text);
  let feed: ChannelFields & Parser.Output<RawItem>;
  try {
    feed = (await parserFor(syndicationPrefix(safe)).parseString(safe)) as ChannelFields & Parser.Output<RawItem>;
  } catch (err) {
    const msg = (err as Error).message;
    throw new FeedError(/Feed not recognized/i.test(msg) ? 'not-a-feed' : 'malformed', `not a readable RSS/Atom document: ${msg.split('\n')[0]}`, { cause: err });
  }
  const items: FeedItem[] = [];
  for (const raw of feed.items ?? []) {
    const title = plain(raw.title, 1000);
    const link = raw.link?.trim() || null;
    const guid = typeof raw.guid === 'string' ? raw.guid : (raw.id ?? null);
    const uid = eventUid({ guid, link, title });
    if (!uid || !title) continue; // an item with no title has nothing to classify
    const dateText = raw.pubDate ?? raw.published ?? raw.updated ?? raw['dc:date'] ?? raw.isoDate ?? null;
    const parsed = parseFeedDate(dateText);
    const implausible = parsed === null ? null : implausibleDate(parsed, fetchedAt);
    const publishedAt = implausible ? null : parsed;
    items.push({
      eventUid: uid,
      title,
      link,
      summary: plain(raw.contentSnippet ?? raw.summary ?? raw.content),
      publishedAt,
      ...(dateText && publishedAt === null ? { unreadableDate: implausible ? `${dateText} (${implausible})` : dateText } : {}),
    });
  }
  const asText = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { items, refreshMs: feedRefreshMs({ ttl: asText(feed.ttl), updatePeriod: asText(feed.updatePeriod), updateFrequency: asText(feed.updateFrequency) }) };
}
