import type { Command } from 'commander';
import { configSources, connections, topicsConfig } from '../../core/command-config.ts';
import { loadSection } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';
import { checkKafka, withKafka } from '../../core/kafka.ts';
import { checkRegistry, withRegistry } from '../../core/registry.ts';
import { SignalsConfig } from '../signals/config.ts';
import { SignalMismatchError } from './errors.ts';
import { explainSignal } from './explain.ts';
import { renderExplanation } from './render.ts';

const HELP = `
Reads the signal from the signals topic (<prefix>signals, or --signals-topic), then from the
topics: every news item it counted (news.classified and news.raw records, with partition and
offset), its bar and lookback bars (market.candles), and the rules (config signals.rules). Then
derives the decision again: the ticker's news and bars before the bar's end through a fresh
signal engine with the configured rules, in event-time order as a backtest replays them, and
compares it with the stored signal. Nothing is written.

Without --ticker every partition of the signals topic is read; with it, the ticker's one.
A backtest's signals.csv holds no reason and no topic position: it cannot be explained; run
the range through \`run signals --once\` under a scratch --topic-prefix and explain those.

Exit codes:
  0  the decision derived again matches the stored signal (action, confidence, reason)
  7  no such signal in the topic (another --topic-prefix or --ticker?)
  8  the decision derived again differs; the report says what and the likely causes
     (other rules in the config than the run that made it, records missing from the topics)
  2  bad configuration, a missing topic, a malformed signal id; 3 Kafka or the registry
     unreachable; 5 the signal's reason is of a shape this version does not know

Examples:
  npx ops-pipeline explain 3f1c…e9 --ticker AAPL
  npx ops-pipeline --topic-prefix replay-1. --config run.yml explain 3f1c…e9 --json`;

export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description('explain one signal from the topics: the news it counted and where their records are, its bars, the rule and thresholds; then derive the decision again and say whether it matches')
    .argument('<signal_id>', 'the signal\'s id (64 hex digits, as in the signals topic and dispatch_recommendations)')
    .option('--ticker <symbol>', 'the signal\'s ticker: read only its partition of the signals topic')
    .option('--signals-topic <name>', 'find the signal in this topic (a replay\'s) instead of <prefix>signals; news and bars still come from the prefix\'s topics')
    .option('--json', 'one JSON document on stdout')
    .addHelpText('after', HELP)
    .action(async (signalId: string, opts: { ticker?: string; signalsTopic?: string; json?: boolean }, cmd: Command) => {
      if (!/^[0-9a-f]{64}$/.test(signalId)) throw new ConfigError(`expected 64 lower-case hex digits, got ${JSON.stringify(signalId)}`, 'signal_id');
      const conn = connections(cmd);
      const topics = topicsConfig(cmd);
      const { rules } = loadSection('signals', SignalsConfig, configSources(cmd));
      await checkKafka(conn.kafka);
      await checkRegistry(conn.registry);
      const e = await withKafka(conn.kafka, () =>
        withRegistry(conn.registry, () => explainSignal({ connections: conn, prefix: topics.prefix, candleInterval: topics.candleInterval, rules, signalId, ticker: opts.ticker, signalsTopic: opts.signalsTopic })),
      );
      process.stdout.write(opts.json ? `${JSON.stringify(e, null, 2)}\n` : renderExplanation(e));
      if (!e.rederived.matches) throw new SignalMismatchError(signalId, e.rederived.causes[0] ?? 'see the report');
    });
}
