import { Document, isMap, isScalar, isSeq, parseDocument, type Scalar } from 'yaml';
import { ConfigError } from '../../core/errors.ts';

// rss.feeds in a YAML config file, read and written as a document: the file's other keys, its
// comments and its order stay as they were, and each imported feed gets its title as a comment.

/** A config file's text as a YAML document (an empty file is an empty config). */
export function configDocument(text: string, path: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new ConfigError(`${path} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  if (doc.contents !== null && !isMap(doc.contents)) throw new ConfigError(`${path} must hold a mapping at its top level`);
  return doc;
}

/** The feeds the document itself lists under rss.feeds (the built-in defaults are not its). */
export function feedsOf(doc: Document, path: string): string[] {
  const node = doc.getIn(['rss', 'feeds'], true);
  if (node === undefined || node === null) return [];
  if (!isSeq(node)) throw new ConfigError(`a list of URLs is expected in ${path}`, 'rss.feeds');
  return node.items.map((item) => String(isScalar(item) ? item.value : item));
}

/** Sets rss.feeds to `feeds`, keeping the comments of the items `from` had (default: `doc`); `titles` annotate the others. */
export function setFeeds(doc: Document, feeds: readonly string[], titles: ReadonlyMap<string, string>, from: Document = doc): void {
  const before = from.getIn(['rss', 'feeds'], true);
  const comments = new Map<unknown, string | null | undefined>(isSeq(before) ? before.items.filter(isScalar).map((s) => [s.value, s.comment]) : []);
  const seq = doc.createNode([...feeds]);
  for (const item of seq.items as Scalar[]) {
    const title = titles.get(String(item.value));
    item.comment = comments.has(item.value) ? comments.get(item.value) : title ? ` ${title.replace(/\s+/g, ' ')}` : null;
  }
  if (doc.contents === null) doc.contents = doc.createNode({}) as never;
  doc.setIn(['rss', 'feeds'], seq);
}

/** A config of only rss.feeds, to paste over the rss.feeds of a config file (`from`, whose item comments it keeps). */
export function feedsSnippet(feeds: readonly string[], titles: ReadonlyMap<string, string>, from?: Document): string {
  const doc = new Document({});
  setFeeds(doc, feeds, titles, from);
  return String(doc);
}
