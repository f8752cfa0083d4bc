import type { Command } from 'commander';
import { registerSinkResetCommand } from '../connectors/postgres-sink/reset-command.ts';
import { registerBacktestCommand } from '../streams/backtest/command.ts';
import { registerClassifyCommand } from '../streams/classify/command.ts';
import { registerExplainCommand } from '../streams/explain/command.ts';
import { registerConfigCommand } from './config-command.ts';
import { registerDemoCommand } from './demo.ts';
import { registerDlqCommand } from './dlq/command.ts';
import { registerFeedsCommand } from './feeds/command.ts';
import { registerLagExporterCommand } from './lag-exporter/command.ts';
import { registerLoadSampleCommand } from './load-sample.ts';
import { registerMigrateCommand } from './migrate.ts';
import { registerRunCommand } from './run.ts';
import { registerReplayCommand } from './replay.ts';
import { registerServicesCommand } from './services.ts';
import { registerStatusCommand } from './status/command.ts';
import { registerTopicsCommand } from './topics.ts';
import { registerUpCommand } from './up/command.ts';

// Every subcommand lives beside the code it drives; this list is the CLI's table of contents.
export function registerCommands(program: Command): void {
  registerServicesCommand(program);
  registerMigrateCommand(program);
  registerTopicsCommand(program);
  registerConfigCommand(program);
  registerRunCommand(program);
  registerUpCommand(program);
  registerLoadSampleCommand(program);
  registerDemoCommand(program);
  registerClassifyCommand(program);
  registerStatusCommand(program);
  registerLagExporterCommand(program);
  registerBacktestCommand(program);
  registerExplainCommand(program);
  registerReplayCommand(program);
  registerSinkResetCommand(program);
  registerDlqCommand(program);
  registerFeedsCommand(program);
}
