import type { OpmlFeed } from './opml.ts';

// Imported feeds merged into a configured list: the configured ones first and as they are,
// then the new ones in the list's order. A URL counts as present when it is the same URL once
// parsed (scheme and host case, default port, an empty path), so a list does not add a feed twice.

export interface MergedFeeds {
  feeds: string[];
  added: OpmlFeed[];
  present: OpmlFeed[];
}

function sameUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

export function mergeFeeds(configured: readonly string[], imported: readonly OpmlFeed[]): MergedFeeds {
  const known = new Set(configured.map(sameUrl));
  const added: OpmlFeed[] = [];
  const present: OpmlFeed[] = [];
  for (const feed of imported) {
    const key = sameUrl(feed.url);
    if (known.has(key)) {
      present.push(feed);
    } else {
      known.add(key);
      added.push(feed);
    }
  }
  return { feeds: [...configured, ...added.map((f) => f.url)], added, present };
}
