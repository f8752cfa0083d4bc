import type { Command } from 'commander';
import { migrateDatabase } from '../migrations/migrate.ts';
import { connections } from '../core/command-config.ts';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('create the database if missing and apply the graphile-migrate migrations in migrations/committed; re-running is a no-op')
    .addHelpText('after', '\nThe database comes from --database-url, env DATABASE_URL or the config file\n(default postgres://postgres@127.0.0.1:5432/ops_pipeline).')
    .action(async (_opts, cmd: Command) => {
      const result = await migrateDatabase(connections(cmd).database.url);
      if (result.created) process.stdout.write(`created database ${result.database}\n`);
      if (result.applied.length) {
        for (const f of result.applied) process.stdout.write(`applied ${f}\n`);
      } else {
        process.stdout.write(`${result.database}: schema up to date, nothing to apply\n`);
      }
    });
}
