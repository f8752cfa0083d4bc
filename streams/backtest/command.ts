import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { configSources, connections } from '../../core/command-config.ts';
import { loadSection } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';
import { TopicsConfig } from '../../schemas/catalog.ts';
import { runBacktest } from './backtest.ts';
import { topicSettings } from '../../core/command-config.ts';
import { BacktestSettings } from './config.ts';
import { modelSwapAction } from './model-swap/model-swap-command.ts';

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
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`, '--config');
  }
  const r = BacktestSettings.safeParse(raw);
  if (!r.success) throw new ConfigError(`${file}: ${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`, '--config');
  return r.data;
}

export function registerBacktestCommand(program: Command): void {
  program
    .command('backtest')
    .description('replay news.classified and market.candles for a time range through the signal engine with given rules; score the signals; write report.md, signals.csv, equity.svg')
    .requiredOption('--from <iso>', 'start of the range (event time, ISO with zone)')
    .requiredOption('--to <iso>', 'end of the range (event time, ISO with zone)')
    .option('--config <file>', 'YAML with `rules:` (as config signals.rules) and `horizonsMinutes:` (default [60, 1440])')
    .requiredOption('--out <dir>', 'output folder (created)')
    .option('--model <dir>', 'judge a model swap by trading: classify the range\'s news.raw again with this model folder into scratch topics (<prefix>scratch-<hash>.), backtest the live and the new classification over the same candles, write model-swap.md, live/ and candidate/')
    .action(async (opts: { from: string; to: string; config?: string; out: string; model?: string }, cmd: Command) => {
      const s = settings(opts.config);
      const from = time(opts.from, '--from');
      const to = time(opts.to, '--to');
      if (to <= from) throw new ConfigError('must be after --from', '--to');
      if (opts.model) return modelSwapAction(cmd, { modelDir: opts.model, from, to, rules: s.rules, horizonsMinutes: s.horizonsMinutes, outDir: opts.out });
      const stats = await runBacktest({
        connections: connections(cmd),
        ...topicSettings(loadSection('topics', TopicsConfig, configSources(cmd))),
        from,
        to,
        rules: s.rules,
        horizonsMinutes: s.horizonsMinutes,
        outDir: opts.out,
        progress: process.stderr.isTTY,
      });
      process.stdout.write(`backtest: ${stats.signals} signals, cumulative return ${(stats.cumulativeReturn * 100).toFixed(2)} %, max drawdown ${(stats.maxDrawdown * 100).toFixed(2)} %; wrote ${opts.out}/report.md, signals.csv, equity.svg\n`);
    });
}
