import type { Command } from 'commander';
import { configSources, connections } from '../../cli/context.ts';
import { runServingMetrics } from '../../cli/lifecycle.ts';
import { loadSection } from '../../core/config.ts';
import { TopicsConfig } from '../../schemas/catalog.ts';
import { RssConfig } from './config.ts';
import { startRssSource } from './rss-source.ts';

export function registerRssCommand(run: Command): void {
  run
    .command('rss')
    .description('poll RSS/Atom feeds (conditional GET), produce new items to news.raw and feed state to feeds.state')
    .option('--once', 'poll every feed once, then exit')
    .option('--feed <url...>', 'feeds to poll instead of the configured list (rss.feeds)')
    .addHelpText('after', '\nConfig section `rss`: feeds, pollIntervalSeconds, timeoutMs, maxBodyBytes, concurrency,\nbackoffInitialSeconds, backoffMaxSeconds, dedupeWindow, userAgent (see README).')
    .action(async (opts: { once?: boolean; feed?: string[] }, cmd: Command) => {
      const sources = configSources(cmd);
      const config = loadSection('rss', RssConfig, opts.feed ? { ...sources, overrides: { ...sources.overrides, rss: { feeds: opts.feed } } } : sources);
      const source = await startRssSource({ connections: connections(cmd), config, prefix: loadSection('topics', TopicsConfig, sources).prefix, once: opts.once });
      const summary = await runServingMetrics(source);
      for (const o of summary.outcomes) process.stdout.write(`${o.result.padEnd(12)} ${String(o.produced).padStart(4)} new  ${o.feed}${o.error ? `  (${o.error.kind}: ${o.error.message})` : ''}\n`);
      process.stdout.write(`rss: ${summary.polls} polls, ${summary.produced} items produced, ${summary.errors} failed\n`);
    });
}
