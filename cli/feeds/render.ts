import type { FeedRow } from './feed-rows.ts';
import type { FeedList } from './list.ts';
import type { ImportReport } from './import.ts';

// The lines `feeds list` and `feeds import` print (--json prints their reports as they are).

const at = (iso: string | null) => (iso ? iso.replace(/\.\d{3}Z$/, 'Z') : '-').padEnd(20);

function feedLines(r: FeedRow): string[] {
  const lines = [`${(r.stale ? 'yes' : r.known ? 'no' : '-').padEnd(5)}  ${at(r.updatedAt)}  ${at(r.newestItemAt)}  ${r.feed}`];
  if (r.movedTo) lines.push(`       moved to ${r.movedTo}`);
  if (r.notBefore) lines.push(`       the publisher asked to wait until ${at(r.notBefore).trim()}`);
  if (r.etag || r.lastModified) lines.push(`       ${[r.etag ? `etag ${r.etag}` : '', r.lastModified ? `last-modified ${r.lastModified}` : ''].filter(Boolean).join(', ')}`);
  return lines;
}

export function renderFeedList(list: FeedList): string {
  const stale = list.feeds.filter((r) => r.stale).length;
  const lines = ['stale  updated               newest item           feed', ...list.feeds.flatMap(feedLines), ''];
  lines.push(`${list.feeds.length} feeds, ${stale} stale (no new item for ${list.staleAfterHours} h), ${list.feeds.filter((r) => !r.known).length} not polled yet`);
  if (list.unconfigured.length) lines.push(`feeds.state also holds ${list.unconfigured.length} feed(s) no longer configured: ${list.unconfigured.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

/** What an import found and did, for stderr (stdout holds the YAML when there is no --out). */
export function renderImport(r: ImportReport): string {
  const lines = [`${r.source}: ${r.added.length + r.present.length} feeds, ${r.added.length} new, ${r.present.length} already in rss.feeds`];
  for (const s of r.skipped) lines.push(`  skipped ${s.xmlUrl}: ${s.reason}`);
  lines.push(
    r.wrote
      ? `wrote rss.feeds (${r.feeds.length} feeds) to ${r.wrote}`
      : `replace rss.feeds of ${r.base ?? 'your config file'} with the YAML above, or write it there with --out ${r.base ?? '<config.yml>'}`,
  );
  return `${lines.join('\n')}\n`;
}
