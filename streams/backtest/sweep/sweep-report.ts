import { pct } from '../report.ts';
import type { GridSettings } from './grid-file.ts';
import type { SweepRow } from './sweep.ts';

// The sweep's files: byte-identical for the same inputs and grid (fixed formats, ranked order).

const iso = (ms: number) => new Date(ms).toISOString();
const num = (x: number | null, digits = 2) => (x === null ? '-' : x.toFixed(digits));

const HEAD = ['rank', 'rule set', 'signals', 'trades', 'net return', 'annualised', 'Sharpe', 'Sortino', 'max drawdown', 'Calmar', 'hit rate', 'profit factor'];

function cells(r: SweepRow, rank: number): string[] {
  const p = r.performance;
  return [String(rank), r.ruleSet.name, String(r.signals), String(p.trades), pct(p.totalReturn), pct(p.annualisedReturn), num(p.sharpe), num(p.sortino), pct(p.maxDrawdown), num(p.calmar), pct(p.hitRate), num(p.profitFactor)];
}

export function sweepMarkdown(o: { from: number; to: number; grid: GridSettings; rows: readonly SweepRow[]; heatmap: boolean; read: { news: number; candles: number } }): string {
  const lines = [
    '# Parameter sweep',
    '',
    `Range: ${iso(o.from)} to ${iso(o.to)} (event time). One read of ${o.read.news} classified news and ${o.read.candles} candles, ${o.rows.length} rule sets over it, ranked by ${o.grid.rankBy}.`,
    '',
    '## Grid',
    '',
    '```json',
    JSON.stringify(o.grid.rules, null, 2),
    '```',
    '',
    '## Results',
    '',
    `| ${HEAD.join(' | ')} |`,
    `|${HEAD.map(() => '---').join('|')}|`,
    ...o.rows.map((r, i) => `| ${cells(r, i + 1).join(' | ')} |`),
    '',
    ...(o.heatmap ? ['![heatmap](heatmap.svg)', ''] : []),
    `Every figure is the backtest's (docs/operations.md): net of costs, on the same trading settings. The best of ${o.rows.length} rule sets is flattered by being chosen among them: judge it out of sample (\`backtest walk-forward\`).`,
  ];
  return `${lines.join('\n')}\n`;
}

export function sweepCsv(rows: readonly SweepRow[]): string {
  const params = Object.keys(rows[0]?.ruleSet.params ?? {});
  const head = ['rank', ...params, 'signals', 'trades', 'total_return', 'annualised_return', 'sharpe', 'sortino', 'max_drawdown', 'calmar', 'hit_rate', 'profit_factor'];
  const v = (x: number | null) => (x === null ? '' : String(Number(x.toFixed(8))));
  const body = rows.map((r, i) => {
    const p = r.performance;
    return [String(i + 1), ...params.map((k) => String(r.ruleSet.params[k])), String(r.signals), String(p.trades), v(p.totalReturn), v(p.annualisedReturn), v(p.sharpe), v(p.sortino), v(p.maxDrawdown), v(p.calmar), v(p.hitRate), v(p.profitFactor)].join(',');
  });
  return `${[head.join(','), ...body].join('\n')}\n`;
}
