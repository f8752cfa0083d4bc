import type { Command } from 'commander';
import { CONFIG_DOC, configurationReference } from './config-reference.ts';
import { generatedFileCommand } from './generated-file.ts';

export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('the configuration the loader accepts: its sections, keys, defaults, env variables and flags');
  generatedFileCommand(config, 'docs', CONFIG_DOC, configurationReference, 'write docs/configuration.md from the config specs (--check: fail if it is stale)');
}
