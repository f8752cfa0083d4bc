import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../../deploy/local/layout.ts';
import { topicName } from '../../schemas/catalog.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { BACKTEST_FILES, runBacktest } from './backtest.ts';
import { fillBacktestRange, MIN, RULES, T0 } from './test-range.ts';
import { BacktestSettings } from './config.ts';

// A backtest replays the real topics for a range and writes its own files: the same inputs
// and settings give byte-identical files, and the live signals topic stays untouched. Costs
// take exactly what the trading model says off the return; benchmarks are reported, an index
// without bars as missing.

const conn = testConnections();
let topics: TestTopics;

beforeAll(async () => {
  topics = await testTopics('backtest');
  await fillBacktestRange(conn, topics);
});
afterAll(async () => {
  await topics?.cleanup();
});

const FILES = BACKTEST_FILES;

async function backtest(settings: unknown) {
  const outDir = mkdtempSync(join(tmpdir(), 'opsp-backtest-'));
  const run = await runBacktest({
    connections: conn,
    prefix: topics.prefix,
    candleInterval: '1m',
    from: T0 + 60 * MIN,
    to: T0 + 480 * MIN,
    settings: BacktestSettings.parse(settings),
    outDir,
  });
  return { run, outDir, files: Object.fromEntries(FILES.map((f) => [f, readFileSync(join(outDir, f), 'utf8')])) };
}

it('scores a range and writes byte-identical files on a second run', async () => {
  const settings = { rules: RULES, horizonsMinutes: [30, 60], trading: { commissionBps: 0, slippageBps: 0 }, benchmarkTicker: 'IDX' };
  const a = await backtest(settings);
  const b = await backtest(settings);
  const s = a.run.stats;
  expect(s.signals).toBeGreaterThan(3);
  expect(s.horizons[0]!.scored).toBe(s.signals);
  expect(s.performance.trades + s.skipped.overlap + s.skipped.unfilled).toBe(s.signals);
  expect(s.performance.trades).toBeGreaterThan(3);
  expect(b.files).toEqual(a.files);
  expect(a.run.reportMarkdown).toBe(a.files['report.md']);
  expect(a.files['equity.svg']).toMatch(/^<svg /);
  expect(a.files['report.html']).toContain('<svg');
  expect(a.files['report.md']).toMatch(/\| 30 min \| \d+ \| [\d.]+ % \|/);
  expect(a.files['report.md']).toMatch(/\| net total return \| -?[\d.]+ % \|/);
  expect(a.files['report.md']).toMatch(/\| buy and hold \| [^|]+ \| -?[\d.]+ % \|/);
  expect(a.files['report.md']).toMatch(/\| IDX \| [^|]+ \| -?[\d.]+ % \|/);
  for (const chart of ['equity.svg', 'drawdown.svg', 'tickers.svg', 'trade-returns.svg']) expect(a.files['report.md']).toContain(`(${chart})`);
  expect(a.files['signals.csv']!.split('\n')[0]).toBe('signal_id,ts,ticker,action,confidence,entry,return_30m,return_60m,trade');
  expect(a.files['trades.csv']!.split('\n')[0]).toBe('signal_id,ticker,side,event_type,urgency,entry_ts,entry_price,exit_ts,exit_price,exit_reason,shares,gross_return,costs,net_pnl,net_return');
  expect(a.files['trades.csv']!.trim().split('\n')).toHaveLength(s.performance.trades + 1);
  // Every signal is inside the range.
  const times = a.files['signals.csv']!.trim().split('\n').slice(1).map((l) => Date.parse(l.split(',')[1]!));
  expect(times.every((t) => t >= T0 + 60 * MIN && t <= T0 + 480 * MIN)).toBe(true);
  // What the charts draw: on a time axis from the range's start, at 1.
  const series = a.run.series;
  expect(series.equity[0]).toEqual({ ts: T0 + 60 * MIN, value: 1 });
  expect(series.equity.every((p, i) => i === 0 || p.ts > series.equity[i - 1]!.ts)).toBe(true);
  expect(series.benchmarks.map((x) => x.name)).toEqual(['buy and hold', 'equal weight', 'IDX']);
  expect(series.benchmarks.every((x) => x.points.length === series.equity.length)).toBe(true);
  expect(series.tradeReturns).toHaveLength(s.performance.trades);
  expect(series.equity.at(-1)!.value - 1).toBeCloseTo(s.performance.totalReturn, 12);
  // The news carry event type and urgency: every signal is put down to them.
  expect(s.perEventType.map((r) => r.key)).toEqual(['other']);
  expect(s.perUrgency.map((r) => r.key)).toEqual(['routine']);
  // The live signals topic is untouched.
  const offsets = await topics.admin.fetchTopicOffsets(topicName('signals', topics.prefix));
  expect(offsets.every((p) => p.high === '0')).toBe(true);
});

it('takes off the return what commission and slippage cost, and says an index has no bars', async () => {
  const [c, sl] = [10 / 10_000, 5 / 10_000];
  const free = (await backtest({ rules: RULES, horizonsMinutes: [30, 60], trading: { commissionBps: 0, slippageBps: 0 } })).run;
  const costly = await backtest({ rules: RULES, horizonsMinutes: [30, 60], trading: { commissionBps: 10, slippageBps: 5 }, benchmarkTicker: 'SPY' });
  const trades = free.simulation.trades;
  // The same trades (levels and exits do not depend on costs), each paying what the model says.
  expect(costly.run.simulation.trades.map((t) => [t.signal.signal_id, t.entryTs, t.exitTs])).toEqual(trades.map((t) => [t.signal.signal_id, t.entryTs, t.exitTs]));
  const cost = trades.reduce((sum, t) => {
    const entry = t.entryOpen * (1 + t.side * sl);
    const exit = t.exitLevel * (1 - t.side * sl);
    const shares = 10_000 / entry;
    const pnl = t.side * shares * (exit - entry) - c * (10_000 + shares * exit);
    return sum + (t.netPnl - pnl);
  }, 0);
  expect(cost).toBeGreaterThan(0);
  expect(costly.run.stats.performance.costs).toBeCloseTo(cost, 6);
  expect(free.stats.performance.totalReturn - costly.run.stats.performance.totalReturn).toBeCloseTo(cost / 100_000, 12);
  expect(costly.run.stats.performance.grossTotalReturn).toBeCloseTo(free.stats.performance.totalReturn, 12);
  expect(costly.files['report.md']).toContain('SPY: - (no bars of SPY in market.candles for the range).');
  expect(costly.files['report.md']).toMatch(/Against equal weight, from \d+ daily returns?|Beta and alpha against equal weight: - \(/);
});

it('reads its settings file from the command line and prints a one-line summary', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'opsp-backtest-cli-'));
  const file = join(dir, 'settings.yml');
  writeFileSync(file, `rules: ${JSON.stringify(RULES)}\nhorizonsMinutes: [30, 60]\ntrading: { commissionBps: 0, slippageBps: 0 }\nbenchmarkTicker: IDX\n`);
  const args = ['bin/ops-pipeline.js', '--topic-prefix', topics.prefix, '--candle-interval', '1m', 'backtest', '--from', new Date(T0 + 60 * MIN).toISOString(), '--to', new Date(T0 + 480 * MIN).toISOString(), '--settings', file, '--out', join(dir, 'out')];
  const { stdout } = await promisify(execFile)('node', args, { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'error' } });
  // The same settings as the first test's, through runBacktest: the same report.
  const direct = await backtest({ rules: RULES, horizonsMinutes: [30, 60], trading: { commissionBps: 0, slippageBps: 0 }, benchmarkTicker: 'IDX' });
  expect(readFileSync(join(dir, 'out', 'report.md'), 'utf8')).toBe(direct.files['report.md']);
  const p = direct.run.stats.performance;
  expect(stdout).toMatch(new RegExp(`^backtest: ${direct.run.stats.signals} signals, ${p.trades} trades, net total return -?[\\d.]+ %, Sharpe (-|-?[\\d.]+), max drawdown [\\d.]+ %; wrote .*report.md, report.html, signals.csv, trades.csv, equity.svg, drawdown.svg, tickers.svg, trade-returns.svg\\n$`));
});
