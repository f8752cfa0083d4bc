import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionsConfig } from '../../core/config.ts';
import type { Interval } from '../../schemas/intervals.ts';
import type { BacktestSettings } from './config.ts';
import { readUntilOf, warmupMsOf } from './inputs.ts';
import { readBacktestInputs } from './read-inputs.ts';
import { reportMarkdown, signalsCsv, tradesCsv } from './report.ts';
import { runRuleSet, type BacktestResult } from './run-rules.ts';

// A backtest is a replay: news.classified and market.candles for the range (read-inputs.ts),
// through the same signal engine with the given rules, traded and scored (run-rules.ts), into
// files of its own (never the live signals topic or table).

export interface BacktestOptions {
  connections: ConnectionsConfig;
  prefix: string;
  /** The deployment's bar interval: bars of another are skipped, as the live processor refuses them. */
  candleInterval: Interval;
  from: number;
  to: number;
  settings: BacktestSettings;
  outDir: string;
  progress?: boolean;
}

export interface BacktestRun extends BacktestResult {
  /** The text of report.md, as written. */
  reportMarkdown: string;
}

/** The files a backtest writes into its folder (the charts are drawn from `series` elsewhere). */
export const BACKTEST_FILES = ['report.md', 'signals.csv', 'trades.csv'] as const;

export async function runBacktest(o: BacktestOptions): Promise<BacktestRun> {
  const { rules, ...scoring } = o.settings;
  const inputs = await readBacktestInputs({
    connections: o.connections,
    prefix: o.prefix,
    candleInterval: o.candleInterval,
    from: o.from,
    to: o.to,
    warmupMs: warmupMsOf(rules),
    untilMs: readUntilOf(o.to, scoring),
    progress: o.progress ?? false,
  });
  const result = runRuleSet(inputs, rules, scoring);
  const report = reportMarkdown({ from: o.from, to: o.to, rules, settings: scoring, result, read: inputs.read });
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(join(o.outDir, 'signals.csv'), signalsCsv(result, scoring.horizonsMinutes));
  writeFileSync(join(o.outDir, 'trades.csv'), tradesCsv(result));
  writeFileSync(join(o.outDir, 'report.md'), report);
  return { ...result, reportMarkdown: report };
}
