import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { RssConfig } from '../../connectors/rss/config.ts';
import { ConfigError } from '../../core/errors.ts';
import { configDocument, feedsOf, feedsSnippet, setFeeds } from './feeds-yaml.ts';
import { mergeFeeds } from './merge-feeds.ts';
import { parseOpml, type OpmlFeed, type SkippedOutline } from './opml.ts';

// `feeds import <list.opml>`: the list's feeds merged into rss.feeds. With --out the file is
// written (created, or its rss.feeds replaced with everything else kept); without, the merged
// rss.feeds is printed to paste. The base is the rss.feeds of that file, else of the config file.

export interface ImportOptions {
  opmlPath: string;
  /** The config file in use (--config, OPS_PIPELINE_CONFIG), if any. */
  configPath?: string;
  /** Where to write the merged rss.feeds. */
  out?: string;
}

export interface ImportReport {
  source: string;
  /** The file whose rss.feeds the list was merged into. */
  base: string | null;
  feeds: string[];
  added: OpmlFeed[];
  present: OpmlFeed[];
  skipped: SkippedOutline[];
  /** The file written, when --out was given. */
  wrote: string | null;
  /** The merged config snippet, when nothing was written. */
  yaml: string | null;
}

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
}

export function importFeeds(o: ImportOptions): ImportReport {
  const { feeds: listed, skipped } = parseOpml(read(o.opmlPath, 'the OPML file'), o.opmlPath);
  const basePath = o.out !== undefined && existsSync(o.out) ? o.out : o.out === undefined ? o.configPath : undefined;
  const doc = configDocument(basePath ? read(basePath, 'the config file').toString('utf8') : '', basePath ?? '(new file)');
  const merged = mergeFeeds(feedsOf(doc, basePath ?? '(new file)'), listed);
  if (!merged.feeds.length) throw new ConfigError(`${o.opmlPath} lists no feed (no outline with an http(s) xmlUrl)`);
  // What the source would refuse is refused here, before anything is written.
  const checked = RssConfig.shape.feeds.safeParse(merged.feeds);
  if (!checked.success) throw new ConfigError(`${checked.error.issues[0]!.message} (feed ${String(merged.feeds[Number(checked.error.issues[0]!.path[0])])})`, 'rss.feeds');
  const titles = new Map(merged.added.flatMap((f) => (f.title || f.category ? [[f.url, [f.category, f.title].filter(Boolean).join(' / ')] as const] : [])));
  const report = { source: o.opmlPath, base: basePath ?? null, feeds: merged.feeds, added: merged.added, present: merged.present, skipped };
  if (o.out === undefined) return { ...report, wrote: null, yaml: feedsSnippet(merged.feeds, titles, doc) };
  setFeeds(doc, merged.feeds, titles);
  writeFileSync(o.out, String(doc));
  return { ...report, wrote: o.out, yaml: null };
}
