import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionsConfig } from '../../core/config.ts';
import type { Interval } from '../../schemas/intervals.ts';
import type { BacktestSettings } from './config.ts';
import { readUntilOf, warmupMsOf } from './inputs.ts';
import { readBacktestInputs } from './read-inputs.ts';
import { reportMarkdown, signalsCsv, tradesCsv } from './report.ts';
import { runRuleSet, type BacktestResult } from './run-rules.ts';
import type { BacktestReplay } from './backtest-replay.ts';
import { writeReportCharts } from './charts/write-report-charts.ts';
import { reportHtml } from './report-html.ts';

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
  /** Reads news.classified under this prefix instead (a model swap's scratch topics); candles stay under `prefix`. */
  newsPrefix?: string;
  /** Told what the replay read and decided (`backtest --model` compares two replays). */
  onReplay?: (replay: BacktestReplay) => void;
}

export interface BacktestRun extends BacktestResult {
  /** The text of report.md, as written. */
  reportMarkdown: string;
}

/** The files a backtest writes into its folder. */
export const BACKTEST_FILES = ['report.md', 'report.html', 'signals.csv', 'trades.csv', 'equity.svg', 'drawdown.svg', 'tickers.svg', 'trade-returns.svg'] as const;

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
    ...(o.newsPrefix ? { newsPrefix: o.newsPrefix } : {}),
  });
  const result = runRuleSet(inputs, rules, scoring);
  o.onReplay?.({ newsFrom: o.from - warmupMsOf(rules), news: inputs.news, signals: result.scored.map((s) => s.signal) });
  const report = reportMarkdown({ from: o.from, to: o.to, rules, settings: scoring, result, read: inputs.read });
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(join(o.outDir, 'signals.csv'), signalsCsv(result, scoring.horizonsMinutes));
  writeFileSync(join(o.outDir, 'trades.csv'), tradesCsv(result));
  writeFileSync(join(o.outDir, 'report.md'), report);
  const charts = await writeReportCharts(o.outDir, result.series);
  writeFileSync(join(o.outDir, 'report.html'), reportHtml(report, charts));
  return { ...result, reportMarkdown: report };
}
