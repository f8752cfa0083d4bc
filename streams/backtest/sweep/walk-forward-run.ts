import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ruleSetFigures } from '../run-rules.ts';
import { pct } from '../report.ts';
import { expandGrid } from './grid.ts';
import { scoringOf } from './grid-file.ts';
import { narrowInputs } from './narrow-inputs.ts';
import { rankBy } from './rank.ts';
import { selectionWarning } from './selection-bias.ts';
import { metricOf, readForRuleSets, runRuleSets, type SweepOptions, type SweepRow } from './sweep.ts';
import { walkForwardWindows } from './walk-forward.ts';

// `backtest walk-forward`: for each rolling window, every rule set on the train window, the best
// of them by the chosen figure scored on the test window right after it. All windows from one
// read. Out-of-sample figures (the test windows) are reported apart from in-sample ones (the
// chosen rule set on its own train window), with the warning that choosing flatters the latter.

export interface WalkForwardOptions extends SweepOptions {
  trainDays: number;
  testDays: number;
  stepDays?: number;
}

export interface WindowResult {
  train: { from: number; to: number };
  test: { from: number; to: number };
  chosen: SweepRow;
  outOfSample: SweepRow;
}

export interface WalkForwardSummary {
  windows: WindowResult[];
  ruleSets: number;
  /** The test windows' net returns chained, their trades, and the hit rate over those trades. */
  outOfSample: { totalReturn: number; trades: number; hitRate: number | null };
  /** The chosen rule sets on their own train windows: mean of the ranked figure. */
  inSampleMean: number | null;
  outOfSampleMean: number | null;
}

const D = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const fixed = (x: number | null) => (x === null ? '' : x.toFixed(8));
const num = (x: number | null) => (x === null ? '-' : x.toFixed(2));
const mean = (xs: Array<number | null>) => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
};

export function summarizeWindows(windows: WindowResult[], ruleSets: number, metric: (r: SweepRow) => number | null): WalkForwardSummary {
  const trades = windows.reduce((n, w) => n + w.outOfSample.performance.trades, 0);
  const wins = windows.reduce((n, w) => n + (w.outOfSample.performance.hitRate ?? 0) * w.outOfSample.performance.trades, 0);
  return {
    windows,
    ruleSets,
    outOfSample: { totalReturn: windows.reduce((a, w) => a * (1 + w.outOfSample.performance.totalReturn), 1) - 1, trades, hitRate: trades ? wins / trades : null },
    inSampleMean: mean(windows.map((w) => metric(w.chosen))),
    outOfSampleMean: mean(windows.map((w) => metric(w.outOfSample))),
  };
}

export async function runWalkForward(o: WalkForwardOptions): Promise<WalkForwardSummary> {
  const ruleSets = expandGrid(o.grid.rules);
  const inputs = await readForRuleSets(o, ruleSets, o.grid);
  const metric = metricOf(o.grid.rankBy);
  const windows = walkForwardWindows(o.from, o.to, { trainMs: o.trainDays * D, testMs: o.testDays * D, ...(o.stepDays ? { stepMs: o.stepDays * D } : {}) });
  const scoring = scoringOf(o.grid);
  const results = windows.map((w) => {
    const [chosen] = rankBy(runRuleSets(narrowInputs(inputs, w.train.from, w.train.to), ruleSets, o.grid), o.grid.rankBy, metric);
    const outOfSample = ruleSetFigures(narrowInputs(inputs, w.test.from, w.test.to), chosen!.ruleSet.rules, scoring);
    return { ...w, chosen: chosen!, outOfSample: { ruleSet: chosen!.ruleSet, ...outOfSample } };
  });
  const summary = summarizeWindows(results, ruleSets.length, metric);
  const trainPeriods = results[0]?.chosen.performance.periodicReturns ?? 0;
  const lines = [
    '# Walk-forward',
    '',
    `Range: ${iso(o.from)} to ${iso(o.to)}; train ${o.trainDays} days, test ${o.testDays} days, step ${o.stepDays ?? o.testDays} days: ${results.length} windows; ${ruleSets.length} rule sets tried on each train window, the best by ${o.grid.rankBy} scored on the test window after it.`,
    '',
    selectionWarning(ruleSets.length, trainPeriods, 252),
    '',
    '## Out of sample (the test windows)',
    '',
    `Chained net return ${pct(summary.outOfSample.totalReturn)}, ${summary.outOfSample.trades} trades, hit rate ${pct(summary.outOfSample.hitRate)}; mean ${o.grid.rankBy} ${num(summary.outOfSampleMean)}.`,
    '',
    '## In sample (the chosen rule set on its own train window)',
    '',
    `Mean ${o.grid.rankBy} ${num(summary.inSampleMean)}: flattered by the choice among ${ruleSets.length} rule sets.`,
    '',
    '## Windows',
    '',
    `| train | test | chosen rule set | in-sample ${o.grid.rankBy} | out-of-sample ${o.grid.rankBy} | out-of-sample net return | trades |`,
    '|---|---|---|---|---|---|---|',
    ...results.map(
      (w) =>
        `| ${iso(w.train.from)} to ${iso(w.train.to)} | ${iso(w.test.from)} to ${iso(w.test.to)} | ${w.chosen.ruleSet.name} | ${num(metric(w.chosen))} | ${num(metric(w.outOfSample))} | ${pct(w.outOfSample.performance.totalReturn)} | ${w.outOfSample.performance.trades} |`,
    ),
  ];
  const csv = [
    'train_from,train_to,test_from,test_to,rule_set,in_sample_metric,out_of_sample_metric,out_of_sample_return,out_of_sample_trades',
    ...results.map((w) => [iso(w.train.from), iso(w.train.to), iso(w.test.from), iso(w.test.to), `"${w.chosen.ruleSet.name}"`, fixed(metric(w.chosen)), fixed(metric(w.outOfSample)), w.outOfSample.performance.totalReturn.toFixed(8), w.outOfSample.performance.trades].join(',')),
  ];
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(join(o.outDir, 'walk-forward.md'), `${lines.join('\n')}\n`);
  writeFileSync(join(o.outDir, 'walk-forward.csv'), `${csv.join('\n')}\n`);
  return summary;
}
