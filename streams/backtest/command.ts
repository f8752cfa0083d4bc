import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { configSources, connections } from '../../core/command-config.ts';
import { loadSection } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';
import { TopicsConfig } from '../../schemas/catalog.ts';
import { BACKTEST_FILES, runBacktest } from './backtest.ts';
import { topicSettings } from '../../core/command-config.ts';
import { BacktestSettings } from './config.ts';
import { modelSwapAction } from './model-swap/model-swap-command.ts';
import { summaryLine } from './report.ts';

function time(value: string, flag: string): number {
  const t = Date.parse(value);
  if (!Number.isFinite(t) || !/(Z|[+-]\d{2}:?\d{2})$|^\d{4}-\d{2}-\d{2}$/.test(value)) throw new ConfigError(`expected an ISO time with a zone (e.g. 2024-01-02T14:30:00Z), got ${JSON.stringify(value)}`, flag);
  return t;
}

function settings(file: string | undefined): BacktestSettings {
  if (!file) return BacktestSettings.parse({});
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8')) ?? {};
  } catch (err) {
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`, '--settings');
  }
  const r = BacktestSettings.safeParse(raw);
  if (!r.success) throw new ConfigError(`${file}: ${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`, '--settings');
  return r.data;
}

export function registerBacktestCommand(program: Command): void {
  program
    .command('backtest')
    .description(
      'replay news.classified and market.candles for a time range through the signal engine with given rules; trade the signals (costs, fill delay, stops, overlap) on a portfolio marked to market at every bar close; write report.md and report.html (returns, risk, benchmarks, breakdowns, charts), signals.csv, trades.csv',
    )
    .requiredOption('--from <iso>', 'start of the range (event time, ISO with zone)')
    .requiredOption('--to <iso>', 'end of the range (event time, ISO with zone)')
    // Not --config: the program's global --config (the pipeline's config file) would take it.
    .option('--settings <file>', 'YAML with `rules:` (as config signals.rules), `horizonsMinutes:` (default [60, 1440]), `trading:` (capital, positionSize, commissionBps, slippageBps, fillDelayMinutes, holdMinutes, stopLossPct, takeProfitPct, overlap) and `benchmarkTicker:`; keys in docs/configuration.md')
    .requiredOption('--out <dir>', 'output folder (created)')
    .option('--model <dir>', 'judge a model swap by trading: classify the range\'s news.raw again with this model folder into scratch topics (<prefix>scratch-<hash>.), backtest the live and the new classification over the same candles, write model-swap.md, live/ and candidate/')
    .action(async (opts: { from: string; to: string; settings?: string; out: string; model?: string }, cmd: Command) => {
      const s = settings(opts.settings);
      const from = time(opts.from, '--from');
      const to = time(opts.to, '--to');
      if (to <= from) throw new ConfigError('must be after --from', '--to');
      if (opts.model) return modelSwapAction(cmd, { modelDir: opts.model, from, to, settings: s, outDir: opts.out });
      const run = await runBacktest({
        connections: connections(cmd),
        ...topicSettings(loadSection('topics', TopicsConfig, configSources(cmd))),
        from,
        to,
        settings: s,
        outDir: opts.out,
        progress: process.stderr.isTTY,
      });
      process.stdout.write(`backtest: ${summaryLine(run.stats)}; wrote ${opts.out}/${BACKTEST_FILES.join(', ')}\n`);
    });
}
