import { describe, expect, it } from 'vitest';
import type { TimePoint } from './report-series.ts';
import { drawdownOf, MIN_PERIODIC_RETURNS, performance, periodMarks, periodOf, relativeTo, type Performance } from './metrics.ts';
import type { Trade } from './trades.ts';

const H = 3_600_000;
const D = 24 * H;
const D0 = Date.UTC(2024, 0, 2);
const p = (ts: number, value: number): TimePoint => ({ ts, value });
// A trade of 1000 notional (10 shares at 100) with the given net P&L; what the figures read of it.
const trade = (netPnl: number): Trade => ({ netPnl, netReturn: netPnl / 1000, grossReturn: netPnl / 1000 + 0.001, costs: 1, shares: 10, entryPrice: 100, exitPrice: 100 + netPnl / 10 }) as Trade;

describe('periods', () => {
  // [bar length, unit, periods a year]
  const cases: Array<[string, number, 'day' | 'bar', number]> = [
    ['1m', 60_000, 'day', 252],
    ['1d', D, 'day', 252],
    ['1wk', 7 * D, 'bar', 52],
    ['1mo', 30 * D, 'bar', 12],
    ['3mo', 90 * D, 'bar', 4],
  ];
  it.each(cases)('%s bars', (_n, ms, unit, perYear) => {
    expect(periodOf(ms)).toMatchObject({ unit, periodsPerYear: perYear });
  });

  it('marks the start, then the last point of each UTC day', () => {
    const curve = [p(D0, 1), p(D0 + 10 * H, 2), p(D0 + 16 * H, 3), p(D0 + D + 16 * H, 4)];
    expect(periodMarks(curve, periodOf(60_000)).map((m) => m.value)).toEqual([1, 3, 4]);
  });
});

describe('drawdown', () => {
  // [case, values at hourly points, max drawdown, longest drawdown in hours]
  const cases: Array<[string, number[], number, number]> = [
    ['rising: none', [1, 1.1, 1.2], 0, 0],
    ['a fall and a recovery: peak to recovery', [1, 1.2, 0.9, 1.0, 1.2, 1.3], 0.25, 3],
    ['never recovered: peak to the last point', [1, 1.2, 1.1, 1.15], 1 - 1.1 / 1.2, 2],
    ['the longer of two', [1, 0.9, 1, 2, 1.5, 1.9, 1.95], 0.25, 3],
  ];
  it.each(cases)('%s', (_n, values, max, hours) => {
    const dd = drawdownOf(values.map((v, i) => p(D0 + i * H, v)));
    expect(dd.max).toBeCloseTo(max, 12);
    expect(dd.maxDurationMs).toBe(hours * H);
    expect(dd.series.every((x) => x.value <= 0)).toBe(true);
  });
});

describe('performance of a curve and its trades', () => {
  // Daily returns +10 %, −10 %, +10 %, 0, +10 %, −10 % on a capital of 100, marked at 16:00 UTC;
  // the 10:00 point of day 1 is not a daily mark.
  const values = [100, 110, 99, 108.9, 108.9, 119.79, 107.811];
  const curve = [p(D0, 100), p(D0 + 16 * H, 110), p(D0 + D + 10 * H, 105), ...values.slice(2).map((v, i) => p(D0 + (i + 1) * D + 16 * H, v))];
  const trades = [trade(50), trade(-20), trade(30), trade(-10), trade(0)];
  const perf = performance({ curve, trades, capital: 100, positionSize: 1000, period: periodOf(60 * 60_000), exposure: 0.5 });

  const m = 0.1 / 6;
  const sd = Math.sqrt((3 * (0.1 - m) ** 2 + (0 - m) ** 2 + 2 * (-0.1 - m) ** 2) / 5);
  const downside = Math.sqrt((0.01 + 0.01) / 6);
  const years = (5 * D + 16 * H) / (365.25 * D);
  const annual = 1.07811 ** (1 / years) - 1;
  // [figure, expected]
  const cases: Array<[keyof Performance, number | null]> = [
    ['totalReturn', 0.07811],
    ['grossTotalReturn', (50 - 20 + 30 - 10 + 0 + 5 * 1) / 100],
    ['costs', 5],
    ['periodicReturns', 6],
    ['annualisedReturn', annual],
    ['volatility', sd * Math.sqrt(252)],
    ['sharpe', (m / sd) * Math.sqrt(252)],
    ['sortino', (m / downside) * Math.sqrt(252)],
    ['maxDrawdown', 0.1],
    // From the 110 of day 0 to the 119.79 of day 4.
    ['maxDrawdownDurationMs', 4 * D],
    ['calmar', annual / 0.1],
    ['trades', 5],
    // A trade of 0 is neither a win nor a loss.
    ['hitRate', 2 / 5],
    ['profitFactor', 80 / 30],
    ['averageWin', (0.05 + 0.03) / 2],
    ['averageLoss', (-0.02 - 0.01) / 2],
    ['exposure', 0.5],
    // Both sides of each trade's notional over the mean equity.
    ['turnover', (10 * (100 + 105) + 10 * (100 + 98) + 10 * (100 + 103) + 10 * (100 + 99) + 10 * 200) / ((100 + 110 + 105 + 99 + 108.9 + 108.9 + 119.79 + 107.811) / 8)],
  ];
  it.each(cases)('%s', (figure, expected) => {
    const actual = perf[figure] as number | null;
    if (expected === null) expect(actual).toBeNull();
    else expect(actual).toBeCloseTo(expected, 9);
  });
  it('gives every figure', () => expect(perf.unavailable).toEqual([]));

  // [case, curve, trades, the figures left out and why]
  const missing: Array<[string, TimePoint[], Trade[], Performance['unavailable']]> = [
    [
      'too few daily returns',
      [p(D0, 100), p(D0 + 16 * H, 101), p(D0 + D + 16 * H, 100)],
      [trade(1)],
      [
        { figures: ['annualised return', 'volatility', 'Sharpe', 'Sortino', 'Calmar'], why: `need at least ${MIN_PERIODIC_RETURNS} daily returns, the range has 2` },
        { figures: ['profit factor'], why: 'no losing trade' },
      ],
    ],
    [
      'no trades, a flat curve',
      Array.from({ length: 7 }, (_, i) => p(D0 + i * D, 100)),
      [],
      [
        { figures: ['Sharpe'], why: 'the returns do not vary' },
        { figures: ['Sortino'], why: 'no period lost money' },
        { figures: ['Calmar'], why: 'no drawdown' },
        { figures: ['hit rate', 'profit factor', 'average win', 'average loss'], why: 'no trades' },
      ],
    ],
  ];
  it.each(missing)('leaves out, with the reason: %s', (_n, c, t, unavailable) => {
    expect(performance({ curve: c, trades: t, capital: 100, positionSize: 1000, period: periodOf(D), exposure: 0 }).unavailable).toEqual(unavailable);
  });
});

describe('beta and alpha', () => {
  const bench = [0.01, -0.02, 0.015, 0.005, -0.01, 0.02];
  const daily = periodOf(D);
  // [case, strategy returns, benchmark returns, beta, alpha]
  const cases: Array<[string, number[], number[], number | null, number | null]> = [
    ['twice the benchmark plus 0.1 % a day', bench.map((b) => 2 * b + 0.001), bench, 2, 0.001 * 252],
    ['unrelated to it (orthogonal)', [1, -1, 1, -1, 1, -1].map((x) => x * 0.01), [1, 1, -1, -1, 0, 0].map((x) => x * 0.01), 0, 0],
    ['too few periods', [0.01, 0.02], [0.01, 0.03], null, null],
    ['a flat benchmark', bench, bench.map(() => 0.001), null, null],
  ];
  it.each(cases)('%s', (_n, s, b, beta, alpha) => {
    const r = relativeTo(s, b, daily);
    for (const [actual, expected] of [[r.beta, beta], [r.alpha, alpha]] as const) {
      if (expected === null) expect(actual).toBeNull();
      else expect(actual).toBeCloseTo(expected, 12);
    }
    expect(r.why === undefined).toBe(beta !== null);
  });
});
