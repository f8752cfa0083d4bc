import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../deploy/local/layout.ts';
import { testConnections, testTopics, type TestTopics } from '../../../test/kafka.ts';
import { runBacktest } from '../backtest.ts';
import { BacktestSettings } from '../config.ts';
import { fillBacktestRange, MIN, RULES, T0 } from '../test-range.ts';
import { GridSettings } from './grid-file.ts';
import { runSweep } from './sweep.ts';
import { runWalkForward } from './walk-forward-run.ts';

// A sweep is many backtests over one read: its best row is what a plain backtest of that rule set
// gives; the same grid gives byte-identical files; walk-forward chooses on train windows and
// reports the test windows apart.

const conn = testConnections();
let topics: TestTopics;
const range = { from: T0 + 60 * MIN, to: T0 + 480 * MIN };
const GRID = { rules: { ...RULES, halfLifeMinutes: [10, 15, 30], buyThreshold: [0.6, 1.2] }, horizonsMinutes: [30], rankBy: 'totalReturn' };

beforeAll(async () => {
  topics = await testTopics('sweep');
  await fillBacktestRange(conn, topics);
});
afterAll(async () => {
  await topics?.cleanup();
});

const files = (dir: string, names: string[]) => Object.fromEntries(names.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
const deployment = () => ({ connections: conn, prefix: topics.prefix, candleInterval: '1m' as const });

it('ranks every rule set of the grid; the best equals a plain backtest of it; byte-identical again', async () => {
  const run = async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'opsp-sweep-'));
    const rows = await runSweep({ ...deployment(), ...range, grid: GridSettings.parse(GRID), outDir });
    return { rows, files: files(outDir, ['sweep.md', 'sweep.csv', 'heatmap.svg', 'sweep.html']) };
  };
  const a = await run();
  const b = await run();
  expect(a.rows).toHaveLength(6);
  expect(b.files).toEqual(a.files);
  const returns = a.rows.map((r) => r.performance.totalReturn);
  expect(returns).toEqual([...returns].sort((x, y) => y - x));
  const best = a.rows[0]!;
  const plain = await runBacktest({ ...deployment(), ...range, settings: BacktestSettings.parse({ rules: best.ruleSet.rules, horizonsMinutes: [30] }), outDir: mkdtempSync(join(tmpdir(), 'opsp-sweep-plain-')) });
  expect(best.performance).toEqual(plain.stats.performance);
  expect(a.files['sweep.csv']!.split('\n')[0]).toBe('rank,halfLifeMinutes,buyThreshold,signals,trades,total_return,annualised_return,sharpe,sortino,max_drawdown,calmar,hit_rate,profit_factor');
  expect(a.files['heatmap.svg']).toMatch(/^<svg /);
  expect(a.files['sweep.html']).toContain('<svg');
});

it('walk-forward: chosen on each train window, scored on the test window after it, byte-identical again', async () => {
  const run = async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'opsp-wf-'));
    // Windows of hours expressed in days: 3 h train, 1 h test.
    const summary = await runWalkForward({ ...deployment(), ...range, grid: GridSettings.parse(GRID), outDir, trainDays: 3 / 24, testDays: 1 / 24 });
    return { summary, files: files(outDir, ['walk-forward.md', 'walk-forward.csv']) };
  };
  const a = await run();
  const b = await run();
  expect(b.files).toEqual(a.files);
  expect(a.summary.windows).toHaveLength(4);
  for (const w of a.summary.windows) {
    expect(w.test.from).toBe(w.train.to);
    // The out-of-sample figures are those of a plain backtest of the chosen rules on the test window.
    const plain = await runBacktest({ ...deployment(), ...w.test, settings: BacktestSettings.parse({ rules: w.chosen.ruleSet.rules, horizonsMinutes: [30] }), outDir: mkdtempSync(join(tmpdir(), 'opsp-wf-plain-')) });
    expect(w.outOfSample.performance).toEqual(plain.stats.performance);
  }
  expect(a.files['walk-forward.md']).toMatch(/## Out of sample[\s\S]*## In sample/);
  expect(a.files['walk-forward.md']).toMatch(/Note: 6 rule sets were tried/);
});

it('runs from the command line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'opsp-sweep-cli-'));
  writeFileSync(join(dir, 'grid.yml'), JSON.stringify(GRID));
  const args = ['bin/ops-pipeline.js', '--topic-prefix', topics.prefix, '--candle-interval', '1m', 'backtest', 'sweep', '--grid', join(dir, 'grid.yml'), '--from', new Date(range.from).toISOString(), '--to', new Date(range.to).toISOString(), '--out', join(dir, 'out')];
  const { stdout } = await promisify(execFile)('node', args, { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'error' } });
  expect(stdout).toMatch(/^backtest sweep: 6 rule sets ranked by totalReturn; best halfLifeMinutes=\S+ buyThreshold=\S+ /);
  expect(readFileSync(join(dir, 'out', 'sweep.md'), 'utf8')).toMatch(/\| 1 \| halfLifeMinutes=/);
});
