import type { ConnectionsConfig } from '../../core/config.ts';
import type { Running, SourceDefinition } from '../../core/runtime/component.ts';
import { startSource } from '../../core/runtime/source-runtime.ts';
import { RssConfig } from './config.ts';
import { openRssSource, type RssSourceOptions, type RssSummary } from './rss-source.ts';

export const rssComponent: SourceDefinition<RssConfig, RssSummary> = {
  kind: 'source',
  name: 'rss',
  description: 'RSS/Atom feeds into news.raw and feeds.state',
  section: 'rss',
  config: RssConfig,
  options: [{ flags: '--feed <url...>', description: 'feeds to poll instead of the configured list (rss.feeds)' }],
  overrides: (o) => (o.feed ? { feeds: o.feed } : {}),
  open: (config, d, o) => openRssSource(config, d, o as RssSourceOptions),
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

/** The RSS source in this process (load-sample, tests), as `run rss` starts it. */
export function startRssSource(o: { connections: ConnectionsConfig; config: RssConfig; prefix: string; once?: boolean } & RssSourceOptions): Promise<Running<RssSummary>> {
  // The bar interval is no concern of the RSS source.
  return startSource(rssComponent, o.config, { connections: o.connections, prefix: o.prefix, candleInterval: '1d' }, { once: o.once, options: { now: o.now } });
}
