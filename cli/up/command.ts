import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { FeedFileServer } from '../../connectors/rss/feed-file-server.ts';
import { configSources, connections, topicsConfig } from '../../core/command-config.ts';
import { loadSection } from '../../core/config.ts';
import { ConfigError, OpsPipelineError } from '../../core/errors.ts';
import { rootLogger } from '../../core/log.ts';
import { COMPONENTS } from '../components.ts';
import { SAMPLE_FEED_PORT } from '../load-sample.ts';
import { prefixed, type ConsoleLine } from './console-line.ts';
import { globalArguments } from './global-arguments.ts';
import { collect, parseInstances } from './instances.ts';
import { planChildren } from './plan.ts';
import { prepare } from './prepare.ts';
import { CRASH_LOOP } from './restart-policy.ts';
import { SAMPLE_ARGUMENTS, SAMPLE_CANDLE_INTERVAL, sampleConfigFile, startSample } from './sample.ts';
import { takeSignals } from './signals.ts';
import { STOP_GRACE_MS, superviseChildren, type Outcome } from './supervisor.ts';

// `ops-pipeline up`: every component of the registry live on this machine, without Docker, as
// supervised child processes of this one (issue #12).

interface UpOptions {
  services?: boolean;
  sample?: boolean;
  samplePort: number;
  instances?: string[];
  logs: string;
  metricsBasePort?: number;
}

/** `up` stopped because a component did, or did not stop cleanly. */
class UpFailedError extends OpsPipelineError {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const HELP = `
Each component runs as \`ops-pipeline <the global options> run <component>\` in a process of its
own; migrations and topics are applied first (with --services, the local Kafka and registry
are started before that). The console shows one line per event, prefixed by the component;
the full JSON logs go to <logs>/<component>.log (appended to).

A component that exits is started again after 0.5 s, doubling up to 30 s; ${CRASH_LOOP.exits} exits within
${CRASH_LOOP.windowMs / 1000} s stop everything (exit code: the component's, else 1). A configuration error (exit
code 2) or a fenced source (exit code 6) stops everything at once.

Ctrl-C or SIGTERM stops every component (SIGTERM, up to ${STOP_GRACE_MS / 1000} s each, then SIGKILL); the exit
code is 0 when all stopped cleanly. A second signal kills them at once. The local services
keep running (\`services down\` stops them).

Examples:
  npx ops-pipeline up --sample                       offline, on the bundled sample
  npx ops-pipeline up --services --instances classify=2 --metrics-base-port 9400`;

export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('run every pipeline component live on this machine, without Docker: each `run <component>` a supervised child process, one console, a log file per component')
    .option('--services', 'first start the local Kafka and schema registry (what `services up` does)')
    .option('--sample', 'offline, on the bundled sample: the RSS source polls samples/news and samples/rss served on loopback, candles replays samples/yahoo-chart (daily bars)')
    .option('--sample-port <port>', 'with --sample: the port of the sample feeds (0: any free one; feeds.state keys on their URLs)', Number, SAMPLE_FEED_PORT)
    .option('--instances <component=n>', 'more instances of a processor or the sink, sharing its work through the consumer group (repeatable, or a comma list: classify=2,signals=2)', collect)
    .option('--logs <dir>', 'folder of the log files, one per component', '.ops-pipeline/logs')
    .option('--metrics-base-port <port>', 'give every component its own METRICS_PORT: the i-th child gets port+i', Number)
    .addHelpText('after', HELP)
    .action((opts: UpOptions, cmd: Command) => up(opts, cmd));
}

async function up(opts: UpOptions, cmd: Command): Promise<void> {
  const instances = parseInstances(opts.instances ?? [], COMPONENTS);
  const logsDir = resolve(opts.logs);
  const sources = configSources(cmd);
  const userConfigFile = sources.file ?? process.env.OPS_PIPELINE_CONFIG;
  const topics = topicsConfig(cmd);
  if (opts.sample && cmd.optsWithGlobals<{ candleInterval?: string }>().candleInterval && topics.candleInterval !== SAMPLE_CANDLE_INTERVAL) {
    throw new ConfigError(`--sample replays daily bars: leave it out or give ${SAMPLE_CANDLE_INTERVAL}`, '--candle-interval');
  }
  const configFile = opts.sample ? sampleConfigFile(logsDir) : userConfigFile;
  const replace: Record<string, string> = opts.sample ? { '--config': configFile!, '--candle-interval': SAMPLE_CANDLE_INTERVAL } : {};
  const plans = planChildren(COMPONENTS, instances, { global: globalArguments(cmd.parent!, replace), extra: opts.sample ? SAMPLE_ARGUMENTS : {}, metricsBasePort: opts.metricsBasePort });

  const width = Math.max(...plans.map((p) => p.name.length), 'up'.length);
  const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const show = (name: string, line: ConsoleLine) => void process.stdout.write(`${prefixed(name, width, line, colour)}\n`);
  const say = (text: string, level: ConsoleLine['level'] = 'info') => show('up', { level, text });
  // This process's own info logs (graphile-migrate's steps, say) are JSON on stderr, among the
  // console's lines; what they tell, the console says in a line of its own.
  if (rootLogger.level === 'info') rootLogger.level = 'warn';
  const signals = takeSignals((signal) => say(`${signal}: stopping`));
  let feeds: FeedFileServer | undefined;
  try {
    await prepare(connections(cmd), topics, opts, say);
    mkdirSync(logsDir, { recursive: true });
    if (opts.sample) {
      feeds = await startSample(userConfigFile, configFile!, opts.samplePort);
      say(`sample: ${feeds.names.length} feeds served on ${feeds.url('')}, recorded candles replayed (1d bars); config ${configFile}`);
    }
    // Every component's section checked here, once, rather than by every child exiting with code 2.
    const childSources = { ...sources, file: configFile, overrides: { ...sources.overrides, ...(opts.sample ? { topics: { ...topics, candleInterval: SAMPLE_CANDLE_INTERVAL } } : {}) } };
    for (const def of COMPONENTS) loadSection(def.section, def.config, childSources);
    say(`logs: ${logsDir}/<component>.log`);
    // JSON, whatever the terminal: the console is made from it, and the log files keep it.
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_FORMAT: 'json' };
    if (opts.metricsBasePort !== undefined) say(`metrics: ${plans.map((p) => `${p.name} :${p.metricsPort}`).join(', ')}`);
    else if (env.METRICS_PORT) say('METRICS_PORT is not passed on (every child would bind it): give --metrics-base-port', 'warn');
    delete env.METRICS_PORT;
    if (signals.received()) return say('stopped before any component started');
    say(`starting ${plans.map((p) => p.name).join(', ')}`);
    report(await superviseChildren(plans, { logsDir, env, show, signalled: signals.first, onSecondSignal: signals.onSecond }), say);
  } finally {
    await feeds?.close();
    signals.release();
  }
}

function report(outcome: Outcome, say: (text: string, level?: ConsoleLine['level']) => void): void {
  const unclean = outcome.unclean.length ? `; ${outcome.unclean.join(', ')} did not stop cleanly (see their logs)` : '';
  if (outcome.kind === 'stopped') {
    if (outcome.unclean.length) throw new UpFailedError(`stopped on ${outcome.signal}${unclean}`, 1);
    return say('every component stopped cleanly');
  }
  const { child, verdict } = outcome;
  const lines = child.lastProblems.length ? `\nthe warnings and errors of its last start:\n${child.lastProblems.map((l) => `  ${l}`).join('\n')}` : '';
  throw new UpFailedError(`${child.plan.name} ${verdict.reason}; every component was stopped${unclean}${lines}\nits full log: ${child.logFile}`, verdict.exitCode);
}
