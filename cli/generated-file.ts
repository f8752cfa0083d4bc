import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { Command } from 'commander';
import { REPO_ROOT } from '../deploy/local/layout.ts';

/** A command that writes a file generated from the code (the catalog, the config specs), or with --check says whether it is stale. */
export function generatedFileCommand(parent: Command, name: string, file: string, render: () => string, description: string): void {
  const shown = relative(REPO_ROOT, file);
  parent
    .command(name)
    .description(description)
    .option('--check', `do not write; exit 1 when ${shown} differs`)
    .action((opts: { check?: boolean }) => {
      const text = render();
      const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
      if (opts.check) {
        process.stdout.write(current === text ? `${shown} is up to date\n` : `${shown} is stale: run npx ops-pipeline ${parent.name()} ${name}\n`);
        if (current !== text) process.exitCode = 1;
        return;
      }
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      process.stdout.write(`wrote ${file}\n`);
    });
}
