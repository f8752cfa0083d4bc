import { decodeBody } from '../../connectors/rss/body-text.ts';
import { FeedError } from '../../connectors/rss/feed-error.ts';
import { checkXmlSafety } from '../../connectors/rss/parse-feed.ts';
import { OpsPipelineError } from '../../core/errors.ts';

// OPML subscription lists (what Miniflux, Feedly, NetNewsWire and Inoreader export) to feeds:
// every <outline> with an xmlUrl, at any depth; the folders they sit in are kept as a category.
// OPML is attributes on one element, so it is read with a small tokenizer rather than an XML
// library; the document is decoded and screened for entity tricks as a feed would be.

export interface OpmlFeed {
  url: string;
  title: string | null;
  /** The titles of the folders (outlines without xmlUrl) it sits in, joined by ' / '. */
  category: string | null;
}

export interface SkippedOutline {
  xmlUrl: string;
  reason: string;
}

export interface OpmlFeeds {
  feeds: OpmlFeed[];
  skipped: SkippedOutline[];
}

/** The file is not an OPML document we can read. Exit code 2, as for bad configuration. */
export class OpmlError extends OpsPipelineError {
  readonly exitCode = 2;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function attributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    // Exporters differ in case (xmlUrl, xmlurl, XMLURL).
    out.set(m[1]!.toLowerCase(), decodeEntities(m[2] ?? m[3] ?? ''));
  }
  return out;
}

function httpUrl(text: string): string | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The feeds of an OPML document, in document order, each URL once. */
export function parseOpml(body: Buffer, source = 'the OPML file'): OpmlFeeds {
  let text: string;
  try {
    text = checkXmlSafety(decodeBody(body, null).text);
  } catch (err) {
    if (err instanceof FeedError) throw new OpmlError(`${source}: ${err.message}`, { cause: err });
    throw err;
  }
  text = text.replace(/<!--[\s\S]*?-->/g, '');
  if (!/<opml[\s>]/i.test(text)) throw new OpmlError(`${source} is not an OPML document (no <opml> element)`);
  const feeds: OpmlFeed[] = [];
  const skipped: SkippedOutline[] = [];
  const seen = new Set<string>();
  // Titles of the open folders; null for an open outline that is a feed itself.
  const folders: Array<string | null> = [];
  for (const m of text.matchAll(/<(\/?)outline\b((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/gi)) {
    if (m[1]) {
      folders.pop();
      continue;
    }
    const attrs = attributes(m[2]!);
    const title = attrs.get('title') || attrs.get('text') || null;
    const xmlUrl = attrs.get('xmlurl')?.trim();
    if (!m[3]) folders.push(xmlUrl ? null : title);
    if (!xmlUrl) continue;
    const url = httpUrl(xmlUrl);
    if (!url) {
      skipped.push({ xmlUrl, reason: 'not an http(s) URL' });
      continue;
    }
    if (seen.has(url)) continue;
    seen.add(url);
    const path = folders.slice(0, m[3] ? folders.length : -1).filter((f): f is string => !!f);
    feeds.push({ url: xmlUrl, title, category: path.length ? path.join(' / ') : null });
  }
  return { feeds, skipped };
}
