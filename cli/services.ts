import { Command, Option } from 'commander';
import { servicesDown, servicesStatus, servicesUp, type ServicesOptions } from '../deploy/local/services.ts';
import { connections } from '../core/command-config.ts';

function common(cmd: Command): ServicesOptions {
  const opts = cmd.opts<{ only?: 'kafka' | 'registry'; registryStorage?: 'sql' | 'mem' }>();
  return {
    only: opts.only ? [opts.only] : undefined,
    registryStorage: opts.registryStorage,
    databaseUrl: connections(cmd).database.url,
    report: (msg) => process.stdout.write(`${msg}\n`),
  };
}

const only = () => new Option('--only <service>', 'act on one service only').choices(['kafka', 'registry']);

export function registerServicesCommand(program: Command): void {
  const services = program
    .command('services')
    .description('local Kafka broker (KRaft) and schema registry (Apicurio) on loopback, without Docker; jars from Maven Central')
    .addHelpText(
      'after',
      '\nData, jars, logs and pid files live in .services/ (env OPS_PIPELINE_SERVICES_DIR).\nPostgreSQL is the machine\'s own server; `up` only checks that it answers.',
    );

  services
    .command('up')
    .description('install what is missing, start Kafka (127.0.0.1:9092) and the registry (127.0.0.1:8081), wait until both answer; idempotent')
    .addOption(only())
    .addOption(
      new Option('--registry-storage <kind>', 'registry storage: sql keeps schemas in PostgreSQL (database ops_pipeline_registry), mem in memory')
        .choices(['sql', 'mem'])
        .default('sql'),
    )
    .action(async (_opts, cmd: Command) => {
      const started = Date.now();
      await servicesUp(common(cmd));
      process.stdout.write(`services up in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    });

  services
    .command('down')
    .description('stop the local broker and registry (SIGTERM, then SIGKILL after 20 s); idempotent')
    .addOption(only())
    .action(async (_opts, cmd: Command) => {
      await servicesDown(common(cmd));
    });

  services
    .command('status')
    .description('show each service, its address, pid and whether it answers')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const states = await servicesStatus({ databaseUrl: connections(cmd).database.url });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(states, null, 2)}\n`);
      } else {
        for (const s of states) {
          process.stdout.write(`${s.name.padEnd(9)} ${s.state.padEnd(9)} ${s.address.padEnd(42)} ${s.pid ? `pid ${s.pid}` : ''}${s.logFile ? `  log ${s.logFile}` : ''}\n`);
        }
      }
      if (states.some((s) => s.state !== 'up')) process.exitCode = 1;
    });
}
