import type { Command } from 'commander';
import { configSources, connections } from '../../cli/context.ts';
import { runServingMetrics } from '../../cli/lifecycle.ts';
import { loadSection } from '../../core/config.ts';
import { TopicsConfig } from '../../schemas/catalog.ts';
import { SinkConfig } from './config.ts';
import { topicSettings } from '../../cli/context.ts';
import { startSink } from './sink.ts';

export function registerSinkCommand(run: Command): void {
  run
    .command('sink')
    .description('upsert every topic into its PostgreSQL table (COPY into a stage, one INSERT … ON CONFLICT per batch); offsets committed after the database commit')
    .option('--once', 'drain until caught up with the end offsets seen at start, then exit')
    .addHelpText('after', '\nConfig section `sink`: groupId, topics, maxBytesPerPartition, maxWaitTimeMs, fromBeginning, idleExitMs, sessionTimeoutMs (see README).')
    .action(async (opts: { once?: boolean }, cmd: Command) => {
      const sources = configSources(cmd);
      const handle = await startSink({
        connections: connections(cmd),
        config: loadSection('sink', SinkConfig, sources),
        ...topicSettings(loadSection('topics', TopicsConfig, sources)),
        once: opts.once,
      });
      const summary = await runServingMetrics(handle);
      process.stdout.write(`sink: ${summary.records} records read, ${summary.rows} rows upserted, ${summary.dlq} to DLQ\n`);
    });
}
