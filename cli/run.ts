import type { Command } from 'commander';
import { registerCandlesCommand } from '../connectors/candles/command.ts';
import { registerSinkCommand } from '../connectors/postgres-sink/command.ts';
import { registerRssCommand } from '../connectors/rss/command.ts';
import { registerClassifyRunCommand } from '../streams/classify/command.ts';
import { registerExecutorCommand } from '../streams/executor/command.ts';
import { registerSignalsCommand } from '../streams/signals/command.ts';
import { preflight } from './preflight.ts';

export function registerRunCommand(program: Command): void {
  const run = program
    .command('run')
    .description('run one pipeline component (see cli/components.ts); each serves Prometheus metrics on METRICS_PORT when set')
    // Config, services and topics are checked once, before any component starts.
    .hook('preAction', (_run, component) => preflight(component));
  registerRssCommand(run);
  registerCandlesCommand(run);
  registerClassifyRunCommand(run);
  registerSignalsCommand(run);
  registerSinkCommand(run);
  registerExecutorCommand(run);
}
