import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { ConnectionsConfig } from '../../../core/config.ts';
import type { Interval } from '../../../schemas/intervals.ts';
import { parameterHeatmap } from '../charts/parameter-heatmap.ts';
import { renderSvg } from '../charts/render-svg.ts';
import { readUntilOf, warmupMsOf, type BacktestInputs } from '../inputs.ts';
import { readBacktestInputs } from '../read-inputs.ts';
import { reportHtml } from '../report-html.ts';
import { ruleSetFigures } from '../run-rules.ts';
import { evidenceKeyOf, recordEvidence } from '../shared-evidence.ts';
import type { Performance } from '../metrics.ts';
import { expandGrid, type RuleSet } from './grid.ts';
import { scoringOf, type GridSettings, type RankMetric } from './grid-file.ts';
import { heatmapCells } from './heatmap-cells.ts';
import { better, rankBy } from './rank.ts';
import { sweepCsv, sweepMarkdown } from './sweep-report.ts';

// `backtest sweep`: many rule sets over one read of the topics. The range is read and decoded
// once, with the longest warm-up any rule set needs; then the rule sets run over the same decoded
// inputs (run-rules.ts), one engine run per distinct evidence (shared-evidence.ts), and the results
// are ranked by the chosen figure.

export interface SweepOptions {
  connections: ConnectionsConfig;
  prefix: string;
  candleInterval: Interval;
  from: number;
  to: number;
  grid: GridSettings;
  outDir: string;
  progress?: boolean;
}

export interface SweepRow {
  ruleSet: RuleSet;
  performance: Performance;
  signals: number;
}

/** The one read every rule set of a grid can run on. */
export function readForRuleSets(o: Omit<SweepOptions, 'grid' | 'outDir'>, ruleSets: readonly RuleSet[], grid: GridSettings): Promise<BacktestInputs> {
  return readBacktestInputs({
    ...o,
    warmupMs: Math.max(...ruleSets.map((r) => warmupMsOf(r.rules))),
    untilMs: readUntilOf(o.to, scoringOf(grid)),
    progress: o.progress ?? false,
  });
}

/** Runs every rule set over the inputs, with a progress bar on a terminal. */
export function runRuleSets(inputs: BacktestInputs, ruleSets: readonly RuleSet[], grid: GridSettings, progress = false): SweepRow[] {
  const scoring = scoringOf(grid);
  const bar = progress ? new SingleBar({ format: '  rule sets {bar} {value}/{total}', stream: process.stderr }) : null;
  bar?.start(ruleSets.length, 0);
  // Rule sets grouped by evidence key, each group on one engine run; rows in the grid's order.
  const groups = new Map<string, number[]>();
  ruleSets.forEach((r, i) => {
    const key = evidenceKeyOf(r.rules);
    const members = groups.get(key);
    if (members) members.push(i);
    else groups.set(key, [i]);
  });
  const rows: SweepRow[] = new Array(ruleSets.length);
  let done = 0;
  for (const members of groups.values()) {
    const recorded = recordEvidence(inputs, ruleSets[members[0]!]!.rules);
    for (const i of members) {
      const ruleSet = ruleSets[i]!;
      rows[i] = { ruleSet, ...ruleSetFigures(inputs, ruleSet.rules, scoring, recorded) };
      bar?.update(++done);
    }
  }
  bar?.stop();
  return rows;
}

export const metricOf = (metric: RankMetric) => (r: { performance: Performance }) => r.performance[metric];

export async function runSweep(o: SweepOptions): Promise<SweepRow[]> {
  const ruleSets = expandGrid(o.grid.rules);
  const inputs = await readForRuleSets(o, ruleSets, o.grid);
  const ranked = rankBy(runRuleSets(inputs, ruleSets, o.grid, o.progress), o.grid.rankBy, metricOf(o.grid.rankBy));

  const swept = Object.keys(ranked[0]?.ruleSet.params ?? {});
  const axes = o.grid.heatmap ?? (swept.length >= 2 ? { x: swept[0]!, y: swept[1]! } : undefined);
  const charts: Record<string, string> = {};
  if (axes) {
    const cells = heatmapCells(ranked.map((r) => ({ params: r.ruleSet.params, value: metricOf(o.grid.rankBy)(r) })), axes.x, axes.y, better(o.grid.rankBy));
    const others = swept.length > 2 ? ` (best over ${swept.filter((k) => k !== axes.x && k !== axes.y).join(', ')})` : '';
    charts['heatmap.svg'] = await renderSvg(parameterHeatmap(cells, { xTitle: axes.x, yTitle: axes.y, metric: `${o.grid.rankBy}${others}` }));
  }
  const md = sweepMarkdown({ from: o.from, to: o.to, grid: o.grid, rows: ranked, heatmap: Boolean(axes), read: inputs.read });
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(join(o.outDir, 'sweep.md'), md);
  writeFileSync(join(o.outDir, 'sweep.csv'), sweepCsv(ranked));
  for (const [name, svg] of Object.entries(charts)) writeFileSync(join(o.outDir, name), svg);
  writeFileSync(join(o.outDir, 'sweep.html'), reportHtml(md, charts));
  return ranked;
}
