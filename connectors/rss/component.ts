import type { EdgeDefinition } from '../../core/runtime/component.ts';
import { RssConfig } from './config.ts';
import { startRssSource, type RssSummary } from './rss-source.ts';

export const rssComponent: EdgeDefinition<RssConfig, RssSummary> = {
  kind: 'source',
  name: 'rss',
  description: 'RSS/Atom feeds into news.raw and feeds.state',
  section: 'rss',
  config: RssConfig,
  options: [{ flags: '--feed <url...>', description: 'feeds to poll instead of the configured list (rss.feeds)' }],
  overrides: (o) => (o.feed ? { feeds: o.feed } : {}),
  start: (config, d, o) => startRssSource({ connections: d.connections, config, prefix: d.prefix, once: o.once }),
  describe: (s) =>
    [
      ...s.outcomes.map(
        (o) =>
          `${o.result.padEnd(12)} ${String(o.produced).padStart(4)} new  ${o.feed}${o.movedTo ? ` -> ${o.movedTo}` : ''}` +
          `${o.error ? `  (${o.error.kind}: ${o.error.message})` : ''}${o.notBefore ? `  (the publisher asked to wait until ${new Date(o.notBefore).toISOString()})` : ''}`,
      ),
      `rss: ${s.polls} polls, ${s.produced} items produced, ${s.errors} failed`,
    ].join('\n'),
};
