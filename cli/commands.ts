import type { Command } from 'commander';

// Every subcommand lives beside the code it drives; this list is the CLI's table of contents.
export function registerCommands(_program: Command): void {}
