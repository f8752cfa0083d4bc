import { Command, CommanderError } from 'commander';
import { OpsPipelineError } from '../core/errors.ts';
import { rootLogger } from '../core/log.ts';
import { checkTopLevelKeys } from '../core/config.ts';
import { takeSignalsFromLoader } from '../core/signals.ts';
import { configSources } from '../core/command-config.ts';
import { registerCommands } from './commands.ts';
import { component, CONFIG_SECTIONS } from './components.ts';
import { runStreamThread, streamThreadData } from '../core/runtime/stream-thread.ts';

const program = new Command('ops-pipeline')
  .description('News-driven trading signals on Kafka: RSS + market candles -> sentiment -> signals -> PostgreSQL')
  .option('-c, --config <file>', 'YAML config file (env OPS_PIPELINE_CONFIG)')
  .option('--brokers <list>', 'Kafka bootstrap brokers, comma-separated (env KAFKA_BROKERS)')
  .option('--registry-url <url>', 'schema registry base URL (env SCHEMA_REGISTRY_URL)')
  .option('--database-url <url>', 'PostgreSQL URL (env DATABASE_URL)')
  .option('--topic-prefix <prefix>', 'prefix of every topic name, to isolate a run (config topics.prefix)')
  .option('--candle-interval <interval>', 'the one bar interval of market.candles in this deployment (config topics.candleInterval, default 5m)')
  .showHelpAfterError()
  .exitOverride();

async function runCli(): Promise<void> {
  // Loaded: signals are the command's now (bin/ops-pipeline.js held them while it loaded).
  takeSignalsFromLoader();

  // A reader that stopped reading (`| head`) is not a failure of ours.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });

  registerCommands(program);
  // A typo of a section name stops every command, before anything runs.
  program.hook('preAction', (_program, cmd) => checkTopLevelKeys(configSources(cmd), CONFIG_SECTIONS));

  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
    } else if (err instanceof OpsPipelineError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else {
      rootLogger.error({ err }, 'unexpected failure');
      process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  }

  // Everything is stopped and committed by now; a client that gave up on a broker mid-shutdown may
  // still hold a timer, and a stopped command must not linger on it (a supervisor would wait).
  setTimeout(() => process.exit(), 3000).unref();
}

// In a worker the CLI's entry runs one stream thread of a component (core/runtime/stream-threads.ts).
const thread = streamThreadData();
if (thread) await runStreamThread(thread, (name) => component(name)!);
else await runCli();
