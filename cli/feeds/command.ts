import type { Command } from 'commander';
import { RssConfig } from '../../connectors/rss/config.ts';
import { AvroCodec } from '../../core/avro-codec.ts';
import { configSources, connections, topicsConfig } from '../../core/command-config.ts';
import { loadSection } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';
import { checkKafka, createKafka, withKafka } from '../../core/kafka.ts';
import { checkRegistry, createRegistry, withRegistry } from '../../core/registry.ts';
import { topicName } from '../../schemas/catalog.ts';
import { importFeeds } from './import.ts';
import { listFeeds } from './list.ts';
import { renderFeedList, renderImport } from './render.ts';

// `ops-pipeline feeds import|list`: handlers of a few lines over the library functions beside them.

export function registerFeedsCommand(program: Command): void {
  const feeds = program.command('feeds').description('the RSS source\'s feeds: import an OPML subscription list into rss.feeds; list the feeds with their state from feeds.state');

  feeds
    .command('import')
    .description(
      'merge the feeds of an OPML file (every outline with an xmlUrl) into rss.feeds: with --out, write them into that file (created, or its rss.feeds replaced, ' +
        'everything else kept); without, print the merged rss.feeds as YAML to paste into the config file. Feeds already listed are kept once',
    )
    .argument('<list.opml>', 'an OPML file, as Miniflux, Feedly, NetNewsWire or Inoreader export it')
    .option('--out <file>', 'the YAML config file to write rss.feeds into (merged with the rss.feeds it has)')
    .option('--json', 'print the report (and the YAML) as JSON on stdout')
    .action((opml: string, opts: { out?: string; json?: boolean }, cmd: Command) => {
      const report = importFeeds({ opmlPath: opml, configPath: configSources(cmd).file ?? process.env.OPS_PIPELINE_CONFIG, out: opts.out });
      if (opts.json) return void process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      if (report.yaml) process.stdout.write(report.yaml);
      process.stderr.write(renderImport(report));
    });

  feeds
    .command('list')
    .description('each configured feed with its state in feeds.state: when it was last written (the last poll that changed it), newest item, stale (rss.staleAfterHours), ETag / Last-Modified, the URL it moved to, how long its publisher asked to wait')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const conn = connections(cmd);
      const { prefix } = topicsConfig(cmd);
      const config = loadSection('rss', RssConfig, configSources(cmd));
      await checkKafka(conn.kafka);
      await checkRegistry(conn.registry);
      const kafka = createKafka(conn.kafka, 'feeds');
      const list = await withKafka(conn.kafka, () => withRegistry(conn.registry, () => listFeeds(kafka, new AvroCodec(createRegistry(conn.registry)), prefix, config)));
      if (!list) throw new ConfigError(`${topicName('feedsState', prefix)} does not exist: run npx ops-pipeline topics apply, or check the prefix`, 'topics.prefix');
      process.stdout.write(opts.json ? `${JSON.stringify(list, null, 2)}\n` : renderFeedList(list));
    });
}
