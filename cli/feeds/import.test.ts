import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFeeds } from './import.ts';

const dir = mkdtempSync(join(tmpdir(), 'opsp-feeds-import-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const opml = file(
  'list.opml',
  '<?xml version="1.0"?><opml version="1.0"><body><outline text="Markets">' +
    '<outline text="A" xmlUrl="https://a.example/rss"/><outline text="B" xmlUrl="https://b.example/rss"/></outline>' +
    '<outline text="gopher" xmlUrl="gopher://c.example/"/></body></opml>',
);
const config = 'topics:\n  prefix: mine. # my prefix\nrss:\n  feeds:\n    - https://a.example/rss # kept\n';

describe('feeds import', () => {
  it('prints the merged rss.feeds of the config file, and writes nothing', () => {
    const cfg = file('printed.yml', config);
    const r = importFeeds({ opmlPath: opml, configPath: cfg });
    expect(r.yaml).toBe('rss:\n  feeds:\n    - https://a.example/rss # kept\n    - https://b.example/rss # Markets / B\n');
    expect({ added: r.added.map((f) => f.url), present: r.present.map((f) => f.url), skipped: r.skipped.map((s) => s.xmlUrl), base: r.base, wrote: r.wrote }).toEqual({
      added: ['https://b.example/rss'],
      present: ['https://a.example/rss'],
      skipped: ['gopher://c.example/'],
      base: cfg,
      wrote: null,
    });
    expect(readFileSync(cfg, 'utf8')).toBe(config);
  });

  it('writes into the --out file, keeping the rest of it, and a second import adds nothing', () => {
    const out = file('out.yml', config);
    expect(importFeeds({ opmlPath: opml, out }).wrote).toBe(out);
    const written = readFileSync(out, 'utf8');
    expect(written).toBe('topics:\n  prefix: mine. # my prefix\nrss:\n  feeds:\n    - https://a.example/rss # kept\n    - https://b.example/rss # Markets / B\n');
    const again = importFeeds({ opmlPath: opml, out });
    expect(again.added).toEqual([]);
    expect(readFileSync(out, 'utf8')).toBe(written);
  });

  it('creates the --out file when it does not exist (the config file is not its base)', () => {
    const out = join(dir, 'new.yml');
    importFeeds({ opmlPath: opml, configPath: file('other.yml', 'rss:\n  feeds:\n    - https://z.example/rss\n'), out });
    expect(readFileSync(out, 'utf8')).toBe('rss:\n  feeds:\n    - https://a.example/rss # Markets / A\n    - https://b.example/rss # Markets / B\n');
  });

  it('refuses a list without a feed, and a file it cannot read, with ConfigError', () => {
    const empty = file('empty.opml', '<opml><body><outline text="folder"/></body></opml>');
    expect(() => importFeeds({ opmlPath: empty })).toThrow(/lists no feed/);
    expect(() => importFeeds({ opmlPath: join(dir, 'missing.opml') })).toThrow(expect.objectContaining({ name: 'ConfigError', message: expect.stringMatching(/cannot read the OPML file/) }));
  });
});
