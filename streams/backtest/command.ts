import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { z } from 'zod';
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
import { GridSettings, RANKABLE } from './sweep/grid-file.ts';
import { runSweep } from './sweep/sweep.ts';
import { runWalkForward } from './sweep/walk-forward-run.ts';

function time(value: string, flag: string): number {
  const t = Date.parse(value);
  if (!Number.isFinite(t) || !/(Z|[+-]\d{2}:?\d{2})$|^\d{4}-\d{2}-\d{2}$/.test(value)) throw new ConfigError(`expected an ISO time with a zone (e.g. 2024-01-02T14:30:00Z), got ${JSON.stringify(value)}`, flag);
  return t;
}

/** A YAML file of the command line, checked against its spec; a problem names the flag. */
function yamlFile<T>(file: string, spec: z.ZodType<T>, flag: string): T {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8')) ?? {};
  } catch (err) {
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`, flag);
  }
  const r = spec.safeParse(raw);
  if (!r.success) throw new ConfigError(`${file}: ${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`, flag);
  return r.data;
}

function settings(file: string | undefined): BacktestSettings {
  return file ? yamlFile(file, BacktestSettings, '--settings') : BacktestSettings.parse({});
}

/** The range and output folder every backtest command takes. */
function rangeOf(opts: { from?: string; to?: string; out?: string }): { from: number; to: number; out: string } {
  if (!opts.from) throw new ConfigError('required: the start of the range', '--from');
  if (!opts.to) throw new ConfigError('required: the end of the range', '--to');
  if (!opts.out) throw new ConfigError('required: the output folder', '--out');
  const from = time(opts.from, '--from');
  const to = time(opts.to, '--to');
  if (to <= from) throw new ConfigError('must be after --from', '--to');
  return { from, to, out: opts.out };
}

function gridOf(file: string): GridSettings {
  return yamlFile(file, GridSettings, '--grid');
}

// The subcommands take --from, --to and --out of `backtest` itself: commander gives a parent's
// options to the parent wherever they stand on the command line.
const RANGE_NOTE = ' (with --from, --to and --out as for backtest)';
const GRID_HELP = 'YAML: the --settings keys, with each rule of `rules:` one value or a list of values (e.g. `rules: { halfLifeMinutes: [60, 120], buyThreshold: [0.6, 0.8] }`), `rankBy:` (default sharpe) and `heatmap: { x, y }`';

function registerSweepCommands(backtest: Command): void {
  const common = (cmd: Command, rankBy?: string) => ({ connections: connections(cmd), ...topicSettings(loadSection('topics', TopicsConfig, configSources(cmd))), progress: process.stderr.isTTY, rankBy });
  backtest
    .command('sweep')
    .description(`many rule sets over one read of the topics: every combination of the grid's lists, ranked by a figure; write sweep.md, sweep.csv, heatmap.svg, sweep.html${RANGE_NOTE}`)
    .requiredOption('--grid <file>', GRID_HELP)
    .option('--rank-by <figure>', `rank by this figure instead of the grid's rankBy: ${RANKABLE.join(', ')}`)
    .action(async (opts: { grid: string; rankBy?: string }, cmd: Command) => {
      const grid = withRank(gridOf(opts.grid), opts.rankBy);
      const { from, to, out } = rangeOf(cmd.parent!.opts());
      const rows = await runSweep({ ...common(cmd), from, to, grid, outDir: out });
      const best = rows[0];
      process.stdout.write(`backtest sweep: ${rows.length} rule sets ranked by ${grid.rankBy}; best ${best ? `${best.ruleSet.name} (${grid.rankBy} ${best.performance[grid.rankBy]?.toFixed(2) ?? '-'})` : '-'}; wrote ${out}/sweep.md, sweep.csv, sweep.html\n`);
    });
  backtest
    .command('walk-forward')
    .description('rolling train and test windows: the best rule set of the grid on each train window, by the ranked figure, scored on the test window after it; out-of-sample apart from in-sample; write walk-forward.md, walk-forward.csv' + RANGE_NOTE)
    .requiredOption('--grid <file>', GRID_HELP)
    .requiredOption('--train-days <n>', 'length of each train window, days', Number)
    .requiredOption('--test-days <n>', 'length of each test window, days', Number)
    .option('--step-days <n>', 'how far the windows roll, days (default: the test length)', Number)
    .option('--rank-by <figure>', `rank by this figure instead of the grid's rankBy: ${RANKABLE.join(', ')}`)
    .action(async (opts: { grid: string; rankBy?: string; trainDays: number; testDays: number; stepDays?: number }, cmd: Command) => {
      const grid = withRank(gridOf(opts.grid), opts.rankBy);
      const { from, to, out } = rangeOf(cmd.parent!.opts());
      for (const [flag, v] of [['--train-days', opts.trainDays], ['--test-days', opts.testDays], ['--step-days', opts.stepDays ?? 1]] as const) if (!(v > 0)) throw new ConfigError('must be a positive number of days', flag);
      const s = await runWalkForward({ ...common(cmd), from, to, grid, outDir: out, trainDays: opts.trainDays, testDays: opts.testDays, ...(opts.stepDays ? { stepDays: opts.stepDays } : {}) });
      process.stdout.write(`backtest walk-forward: ${s.windows.length} windows, ${s.ruleSets} rule sets; out of sample: net return ${(s.outOfSample.totalReturn * 100).toFixed(2)} %, ${s.outOfSample.trades} trades; wrote ${out}/walk-forward.md, walk-forward.csv\n`);
    });
}

function withRank(grid: GridSettings, rankBy: string | undefined): GridSettings {
  if (rankBy === undefined) return grid;
  if (!(RANKABLE as readonly string[]).includes(rankBy)) throw new ConfigError(`expected one of ${RANKABLE.join(', ')}, got ${JSON.stringify(rankBy)}`, '--rank-by');
  return { ...grid, rankBy: rankBy as GridSettings['rankBy'] };
}

export function registerBacktestCommand(program: Command): void {
  const backtest = program
    .command('backtest')
    .description(
      'replay news.classified and market.candles for a time range through the signal engine with given rules; trade the signals (costs, fill delay, stops, overlap) on a portfolio marked to market at every bar close; write report.md and report.html (returns, risk, benchmarks, breakdowns, charts), signals.csv, trades.csv',
    )
    .option('--from <iso>', 'start of the range (event time, ISO with zone); required')
    .option('--to <iso>', 'end of the range (event time, ISO with zone); required')
    // Not --config: the program's global --config (the pipeline's config file) would take it.
    .option('--settings <file>', 'YAML with `rules:` (as config signals.rules), `horizonsMinutes:` (default [60, 1440]), `trading:` (capital, positionSize, commissionBps, slippageBps, fillDelayMinutes, holdMinutes, stopLossPct, takeProfitPct, overlap) and `benchmarkTicker:`; keys in docs/configuration.md')
    .option('--out <dir>', 'output folder (created); required')
    .option('--model <dir>', 'judge a model swap by trading: classify the range\'s news.raw again with this model folder into scratch topics (<prefix>scratch-<hash>.), backtest the live and the new classification over the same candles, write model-swap.md, live/ and candidate/')
    // Not required options: commander checks a parent's for its subcommands too (sweep, walk-forward).
    .action(async (opts: { from?: string; to?: string; settings?: string; out?: string; model?: string }, cmd: Command) => {
      const s = settings(opts.settings);
      const { from, to, out } = rangeOf(opts);
      if (opts.model) return modelSwapAction(cmd, { modelDir: opts.model, from, to, settings: s, outDir: out });
      const run = await runBacktest({
        connections: connections(cmd),
        ...topicSettings(loadSection('topics', TopicsConfig, configSources(cmd))),
        from,
        to,
        settings: s,
        outDir: out,
        progress: process.stderr.isTTY,
      });
      process.stdout.write(`backtest: ${summaryLine(run.stats)}; wrote ${out}/${BACKTEST_FILES.join(', ')}\n`);
    });
  registerSweepCommands(backtest);
}
