import type { Command } from 'commander';
import { loadSection } from '../../core/config.ts';
import { TopicsConfig } from '../../schemas/catalog.ts';
import { configSources, connections } from '../../core/command-config.ts';
import { runServingMetrics } from '../../core/run-until-signal.ts';
import { pipelineGroups } from '../status/groups.ts';
import { LagExporterConfig } from './config.ts';
import { startLagExporter } from './exporter.ts';

export function registerLagExporterCommand(program: Command): void {
  program
    .command('lag-exporter')
    .description("serve the pipeline's consumer-group lag (records and seconds), Burrow-style verdicts, topic and DLQ sizes as Prometheus metrics on METRICS_PORT, sampled every interval (what `status` prints, all the time)")
    .option('--interval <seconds>', 'seconds between two samples of the offsets, also the verdicts\' window (config lagExporter.intervalSeconds, default 30)', (v) => Number(v))
    .addHelpText('after', '\nWatches the groups `status` shows (cli/status/groups.ts). Config section `lagExporter`: intervalSeconds.')
    .action(async (opts: { interval?: number }, cmd: Command) => {
      const sources = configSources(cmd);
      const config = loadSection('lagExporter', LagExporterConfig, { ...sources, overrides: { ...sources.overrides, lagExporter: { intervalSeconds: opts.interval } } });
      const prefix = loadSection('topics', TopicsConfig, sources).prefix;
      await runServingMetrics(
        startLagExporter({
          connections: connections(cmd),
          groups: pipelineGroups(sources, prefix),
          prefix,
          intervalMs: config.intervalSeconds * 1000,
        }),
      );
    });
}
