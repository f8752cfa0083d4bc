import type { TimePoint } from './report-series.ts';
import type { Trade, TradedSignal } from './trades.ts';

// Performance figures of an equity curve (money, on a time axis) and its trades. Pure.
//
// Periodic returns are of daily marks (the last mark of each UTC day, after the starting
// point) for bars of a day or shorter, annualised with 252 trading days: intraday returns
// would need each market's session hours to annualise, and are noise at this scale. Longer bars
// are marked per bar (52 a year for weekly bars, 12 monthly, 4 quarterly). The risk-free rate is
// 0 in Sharpe, Sortino and alpha. A figure that needs periodic returns is left out ('-', with
// the reason) when there are fewer than MIN_PERIODIC_RETURNS of them: two or three days say
// nothing about volatility, and annualising a few hours' return gives absurd numbers.

export const MIN_PERIODIC_RETURNS = 5;
const DAY_MS = 86_400_000;
const YEAR_MS = 365.25 * DAY_MS;

export interface Period {
  /** 'day' groups marks by UTC date; 'bar' keeps every mark. */
  unit: 'day' | 'bar';
  /** What one period is called in the report. */
  name: string;
  periodsPerYear: number;
}

export function periodOf(intervalMs: number): Period {
  if (intervalMs <= DAY_MS) return { unit: 'day', name: 'daily', periodsPerYear: 252 };
  if (intervalMs <= 7 * DAY_MS) return { unit: 'bar', name: 'weekly', periodsPerYear: 52 };
  if (intervalMs <= 31 * DAY_MS) return { unit: 'bar', name: 'monthly', periodsPerYear: 12 };
  return { unit: 'bar', name: 'quarterly', periodsPerYear: 4 };
}

/** The curve at the end of each period: its first point (the start), then the last point of each UTC day (or every point). */
export function periodMarks(curve: readonly TimePoint[], period: Period): TimePoint[] {
  if (period.unit === 'bar' || curve.length < 2) return [...curve];
  const out = [curve[0]!];
  let day: number | null = null;
  for (const p of curve.slice(1)) {
    const d = Math.floor(p.ts / DAY_MS);
    if (d === day) out[out.length - 1] = p;
    else out.push(p);
    day = d;
  }
  return out;
}

export function periodicReturns(marks: readonly TimePoint[]): number[] {
  return marks.slice(1).map((p, i) => p.value / marks[i]!.value - 1);
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Sample standard deviation (n − 1). */
const stdev = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};

export interface Drawdown {
  /** value / running peak − 1 at each point: ≤ 0. */
  series: TimePoint[];
  /** The deepest drawdown, a fraction ≥ 0. */
  max: number;
  /** The longest time from a peak to the first point back at it (or to the last point, if never). */
  maxDurationMs: number;
}

export function drawdownOf(curve: readonly TimePoint[]): Drawdown {
  let peak = -Infinity;
  let peakTs = curve[0]?.ts ?? 0;
  let max = 0;
  let maxDurationMs = 0;
  let under = false;
  const series = curve.map((p) => {
    if (p.value >= peak) {
      if (under) maxDurationMs = Math.max(maxDurationMs, p.ts - peakTs);
      peak = p.value;
      peakTs = p.ts;
    }
    under = p.value < peak;
    const dd = p.value / peak - 1;
    max = Math.max(max, -dd);
    return { ts: p.ts, value: dd };
  });
  const last = curve.at(-1);
  if (last && under) maxDurationMs = Math.max(maxDurationMs, last.ts - peakTs);
  return { series, max, maxDurationMs };
}

export interface Performance {
  /** Equity at the end / capital − 1. */
  totalReturn: number;
  /** Of the same trades without costs: the sum of gross P&L / capital. */
  grossTotalReturn: number;
  /** Commission and slippage paid, money. */
  costs: number;
  annualisedReturn: number | null;
  volatility: number | null;
  sharpe: number | null;
  sortino: number | null;
  maxDrawdown: number;
  maxDrawdownDurationMs: number;
  calmar: number | null;
  trades: number;
  hitRate: number | null;
  profitFactor: number | null;
  averageWin: number | null;
  averageLoss: number | null;
  exposure: number;
  turnover: number;
  /** How many periodic returns the curve has. */
  periodicReturns: number;
  /** Why a figure is null, in report order: one entry per reason with the figures it leaves out. */
  unavailable: Array<{ figures: string[]; why: string }>;
}

export interface PerformanceInputs {
  curve: readonly TimePoint[];
  trades: readonly Trade<TradedSignal>[];
  capital: number;
  positionSize: number;
  period: Period;
  /** Fraction of the time with a position open (equity.ts). */
  exposure: number;
}

/** Annualised compound growth of `total` over `elapsedMs`; null when the capital is lost. */
export function annualise(total: number, elapsedMs: number): number | null {
  return 1 + total > 0 && elapsedMs > 0 ? (1 + total) ** (YEAR_MS / elapsedMs) - 1 : null;
}

export function performance(o: PerformanceInputs): Performance {
  const unavailable: Performance['unavailable'] = [];
  const missing = (figures: string[], why: string) => unavailable.push({ figures, why });
  const first = o.curve[0]!;
  const last = o.curve.at(-1)!;
  const totalReturn = last.value / o.capital - 1;
  const returns = periodicReturns(periodMarks(o.curve, o.period));
  const dd = drawdownOf(o.curve);

  let annualisedReturn: number | null = null;
  let volatility: number | null = null;
  let sharpe: number | null = null;
  let sortino: number | null = null;
  let calmar: number | null = null;
  if (returns.length < MIN_PERIODIC_RETURNS) {
    missing(['annualised return', 'volatility', 'Sharpe', 'Sortino', 'Calmar'], `need at least ${MIN_PERIODIC_RETURNS} ${o.period.name} returns, the range has ${returns.length}`);
  } else {
    const root = Math.sqrt(o.period.periodsPerYear);
    annualisedReturn = annualise(totalReturn, last.ts - first.ts);
    if (annualisedReturn === null) missing(['annualised return', 'Calmar'], 'the capital is lost');
    const sd = stdev(returns);
    volatility = sd * root;
    if (sd > 0) sharpe = (mean(returns) / sd) * root;
    else missing(['Sharpe'], 'the returns do not vary');
    const downside = Math.sqrt(mean(returns.map((r) => Math.min(r, 0) ** 2)));
    if (downside > 0) sortino = (mean(returns) / downside) * root;
    else missing(['Sortino'], 'no period lost money');
    if (annualisedReturn !== null) {
      if (dd.max > 0) calmar = annualisedReturn / dd.max;
      else missing(['Calmar'], 'no drawdown');
    }
  }

  const wins = o.trades.filter((t) => t.netPnl > 0);
  const losses = o.trades.filter((t) => t.netPnl < 0);
  const lost = -losses.reduce((a, t) => a + t.netPnl, 0);
  if (!o.trades.length) missing(['hit rate', 'profit factor', 'average win', 'average loss'], 'no trades');
  else if (!losses.length) missing(['profit factor'], 'no losing trade');
  const traded = o.trades.reduce((a, t) => a + t.shares * (t.entryPrice + t.exitPrice), 0);
  return {
    totalReturn,
    grossTotalReturn: o.trades.reduce((a, t) => a + t.grossReturn * o.positionSize, 0) / o.capital,
    costs: o.trades.reduce((a, t) => a + t.costs, 0),
    annualisedReturn,
    volatility,
    sharpe,
    sortino,
    maxDrawdown: dd.max,
    maxDrawdownDurationMs: dd.maxDurationMs,
    calmar,
    trades: o.trades.length,
    hitRate: o.trades.length ? wins.length / o.trades.length : null,
    profitFactor: o.trades.length && losses.length ? wins.reduce((a, t) => a + t.netPnl, 0) / lost : null,
    averageWin: wins.length ? mean(wins.map((t) => t.netReturn)) : null,
    averageLoss: losses.length ? mean(losses.map((t) => t.netReturn)) : null,
    exposure: o.exposure,
    turnover: traded / mean(o.curve.map((p) => p.value)),
    periodicReturns: returns.length,
    unavailable,
  };
}

export interface Relative {
  beta: number | null;
  /** Annualised: (mean strategy return − beta × mean benchmark return) × periods a year. */
  alpha: number | null;
  why?: string;
}

/** Beta and alpha of the strategy's periodic returns against a benchmark's over the same periods. */
export function relativeTo(strategy: readonly number[], benchmark: readonly number[], period: Period): Relative {
  if (strategy.length !== benchmark.length) throw new Error('strategy and benchmark returns must be of the same periods');
  if (strategy.length < MIN_PERIODIC_RETURNS) return { beta: null, alpha: null, why: `need at least ${MIN_PERIODIC_RETURNS} ${period.name} returns, the range has ${strategy.length}` };
  const ms = mean(strategy);
  const mb = mean(benchmark);
  const variance = benchmark.reduce((a, b) => a + (b - mb) ** 2, 0);
  if (variance === 0) return { beta: null, alpha: null, why: 'the benchmark\'s returns do not vary' };
  const beta = strategy.reduce((a, s, i) => a + (s - ms) * (benchmark[i]! - mb), 0) / variance;
  return { beta, alpha: (ms - beta * mb) * period.periodsPerYear };
}
