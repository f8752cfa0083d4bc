import type { Command } from 'commander';
import { configSources, connections } from '../../cli/context.ts';
import { runServingMetrics } from '../../cli/lifecycle.ts';
import { loadSection } from '../../core/config.ts';
import { TopicsConfig } from '../../schemas/catalog.ts';
import { ExecutorConfig } from './config.ts';
import { topicSettings } from '../../cli/context.ts';
import { startExecutor } from './processor.ts';

export function registerExecutorCommand(run: Command): void {
  run
    .command('executor')
    .description('paper execution: fill PENDING signals at the next bar\'s open (positionSize) or cancel them after ttlMinutes; status updates go to signals')
    .option('--once', 'decide what can be decided now, then exit')
    .addHelpText('after', '\nConfig section `executor`: groupId, transactionalId, positionSize, ttlMinutes, stateTailRecords, idleExitMs, sessionTimeoutMs.')
    .action(async (opts: { once?: boolean }, cmd: Command) => {
      const sources = configSources(cmd);
      const executor = await startExecutor({ connections: connections(cmd), config: loadSection('executor', ExecutorConfig, sources), ...topicSettings(loadSection('topics', TopicsConfig, sources)), once: opts.once });
      const s = await runServingMetrics(executor);
      process.stdout.write(`executor: ${s.executed} executed, ${s.cancelled} cancelled, ${s.open} still open\n`);
    });
}
