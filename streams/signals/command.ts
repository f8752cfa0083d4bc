import type { Command } from 'commander';
import { configSources, connections } from '../../cli/context.ts';
import { runServingMetrics } from '../../cli/lifecycle.ts';
import { loadSection } from '../../core/config.ts';
import { TopicsConfig } from '../../schemas/catalog.ts';
import { SignalsConfig } from './config.ts';
import { topicSettings } from '../../cli/context.ts';
import { startSignalsProcessor } from './processor.ts';

export function registerSignalsCommand(run: Command): void {
  run
    .command('signals')
    .description('news.classified + market.candles → signals: decayed sentiment per ticker joined with bars in event time, in Kafka transactions')
    .option('--once', 'process what is there until every partition is caught up, then exit')
    .addHelpText('after', '\nConfig section `signals`: groupId, transactionalId, idleExitMs, sessionTimeoutMs, rules { halfLifeMinutes, buyThreshold, sellThreshold,\nminNews, lookbackBars, maxAdverseMovePct, minVolumeRatio, cooldownMinutes, allowedLatenessSeconds, horizonHalfLives } (see README).')
    .action(async (opts: { once?: boolean }, cmd: Command) => {
      const sources = configSources(cmd);
      const processor = await startSignalsProcessor({
        connections: connections(cmd),
        config: loadSection('signals', SignalsConfig, sources),
        ...topicSettings(loadSection('topics', TopicsConfig, sources)),
        once: opts.once,
      });
      const s = await runServingMetrics(processor);
      process.stdout.write(`signals: ${s.rebuilt} inputs replayed into the engine's state, ${s.inputs} new inputs, ${s.late} late, ${s.signals} signals produced, ${s.dlq} to DLQ\n`);
    });
}
