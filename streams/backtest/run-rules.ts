import type { SignalRules } from '../signals/config.ts';
import type { EngineStats } from '../signals/engine.ts';
import { attribute, type Attribution } from './attribution.ts';
import { benchmarks, curveFigures, type Benchmark, type CurveFigures } from './benchmarks.ts';
import { breakdown, type BreakdownRow } from './breakdown.ts';
import { holdMinutesOf, type ScoringSettings } from './config.ts';
import { equityCurve, exposure, markTimes } from './equity.ts';
import { readUntilOf, type BacktestInputs } from './inputs.ts';
import { drawdownOf, performance as perfOf, periodicReturns, periodMarks, periodOf, relativeTo, type Performance, type Period, type Relative } from './metrics.ts';
import type { ReportSeries, TimePoint } from './report-series.ts';
import { decideEvidence, judgeEvidence, recordEvidence } from './shared-evidence.ts';
import { scoreSignals, summarize, type ScoredSignal, type SignalStats } from './score.ts';
import { simulateTrades, type Trade, type TradedSignal, type TradeSimulation } from './trades.ts';

// One rule set over a read's decoded inputs: the signal engine, the forward returns, the trades,
// the equity curve, its figures, the benchmarks and the breakdowns. Pure and cheap enough to call
// once per rule set of a sweep over one read: the inputs are already decoded and sorted, and rule
// sets that differ only in how bars are judged share one engine run (shared-evidence.ts).

export interface BenchmarkRow extends Benchmark {
  figures: CurveFigures | null;
  /** The strategy's net total return minus the benchmark's. */
  excessReturn: number | null;
}

export interface BacktestStats extends SignalStats {
  holdMinutes: number;
  /** How periodic returns are taken (metrics.ts). */
  period: Period;
  /** The time axis: its first and last point, and how many points. */
  marks: { start: number; end: number; count: number };
  performance: Performance;
  skipped: { overlap: number; unfilled: number };
  benchmarks: BenchmarkRow[];
  /** Beta and alpha against the index benchmark if it has bars, else against equal weight. */
  relative: Relative & { against: string | null };
  perTicker: BreakdownRow[];
  perEventType: BreakdownRow[];
  perUrgency: BreakdownRow[];
}

export interface BacktestResult {
  stats: BacktestStats;
  /** The signals in range, in (ts, signal_id) order, with their forward returns. */
  scored: ScoredSignal[];
  simulation: TradeSimulation;
  /** Each signal's news item and its tags, by signal_id. */
  attribution: ReadonlyMap<string, Attribution>;
  /** What the report's charts draw. */
  series: ReportSeries;
  engine: EngineStats;
}

/** The signals in range, in (ts, signal_id) order. */
function inRange<S extends TradedSignal>(inputs: BacktestInputs, signals: readonly S[]): S[] {
  return signals.filter((x) => x.ts >= inputs.from && x.ts <= inputs.to).sort((a, b) => a.ts - b.ts || (a.signal_id < b.signal_id ? -1 : a.signal_id > b.signal_id ? 1 : 0));
}

interface Traded<S extends TradedSignal> {
  simulation: TradeSimulation<S>;
  points: number[];
  period: Period;
  curve: TimePoint[];
  performance: Performance;
}

/** The signals (in range) traded: the trades, the equity curve marked to the bars and its figures. */
function traded<S extends TradedSignal>(inputs: BacktestInputs, signals: readonly S[], s: ScoringSettings): Traded<S> {
  const t = s.trading;
  const simulation = simulateTrades(signals, inputs.bars, { ...t, holdMinutes: holdMinutesOf(s) });
  const trades = simulation.trades;
  const until = trades.reduce((a, x) => Math.max(a, x.exitTs), inputs.to);
  const points = markTimes(inputs.barEnds, inputs.from, until);
  const period = periodOf(inputs.intervalMs);
  const curve = equityCurve(trades, inputs.bars, points, t.capital);
  const performance = perfOf({ curve, trades, capital: t.capital, positionSize: t.positionSize, period, exposure: exposure(trades, inputs.from, points.at(-1)!) });
  return { simulation, points, period, curve, performance };
}

function checkReach(inputs: BacktestInputs, s: ScoringSettings): void {
  if (readUntilOf(inputs.to, s) > inputs.untilMs) throw new Error('these settings hold positions past the bars read');
}

function relative(strategy: readonly number[], rows: readonly BenchmarkRow[], index: string | undefined, period: Period): BacktestStats['relative'] {
  const against = rows.find((r) => r.name === index && r.figures) ?? rows.find((r) => r.name === 'equal weight' && r.figures);
  if (!against) return { beta: null, alpha: null, why: 'no benchmark could be formed', against: null };
  return { ...relativeTo(strategy, against.figures!.periodicReturns, period), against: against.name };
}

function compounded(trades: readonly Trade[]): number {
  return trades.reduce((a, t) => a * (1 + t.netReturn), 1) - 1;
}

/**
 * `recorded`: the evidence of a rule set with the same evidence key (shared-evidence.ts), which a
 * sweep records once for many rule sets; by default the rule set's own.
 */
export function runRuleSet(inputs: BacktestInputs, rules: SignalRules, s: ScoringSettings, recorded = recordEvidence(inputs, rules)): BacktestResult {
  checkReach(inputs, s);
  const { signals: judged, engine } = judgeEvidence(recorded, rules);
  const signals = inRange(inputs, judged);
  const scored = scoreSignals(signals, inputs.bars, s.horizonsMinutes);
  const t = s.trading;
  const holdMinutes = holdMinutesOf(s);
  const { simulation, points, period, curve, performance: perf } = traded(inputs, signals, s);
  const trades = simulation.trades;
  const end = points.at(-1)!;

  const tickers = [...new Set(trades.map((x) => x.signal.ticker))].sort();
  const rows: BenchmarkRow[] = benchmarks({ traded: tickers, index: s.benchmarkTicker, bars: inputs.bars, points, period }).map((b) => {
    const figures = b.points ? curveFigures(b.points, period) : null;
    return { ...b, figures, excessReturn: figures ? perf.totalReturn - figures.totalReturn : null };
  });
  const strategyReturns = periodicReturns(periodMarks(curve, period));

  const attribution = new Map(signals.map((x) => [x.signal_id, attribute(x, inputs.newsTags)]));
  const by = (key: (a: Attribution) => string) => breakdown(signals, trades, (x) => key(attribution.get(x.signal_id)!), t.capital);
  const perTicker = breakdown(signals, trades, (x) => x.ticker, t.capital);

  const series: ReportSeries = {
    equity: curve.map((p) => ({ ts: p.ts, value: p.value / t.capital })),
    benchmarks: rows.filter((r) => r.points).map((r) => ({ name: r.name, points: r.points! })),
    drawdown: drawdownOf(curve).series,
    perTicker: tickers.map((ticker) => {
      const own = trades.filter((x) => x.signal.ticker === ticker);
      return { ticker, return: compounded(own), trades: own.length };
    }),
    tradeReturns: trades.map((x) => x.netReturn),
  };
  return {
    stats: {
      ...summarize(scored, s.horizonsMinutes),
      holdMinutes,
      period,
      marks: { start: inputs.from, end, count: points.length },
      performance: perf,
      skipped: { overlap: simulation.skippedOverlap.length, unfilled: simulation.unfilled.length },
      benchmarks: rows,
      relative: relative(strategyReturns, rows, s.benchmarkTicker, period),
      perTicker,
      perEventType: by((a) => a.eventType),
      perUrgency: by((a) => a.urgency),
    },
    scored,
    simulation,
    attribution,
    series,
    engine,
  };
}

/**
 * What a sweep's row reads of a rule set: its figures and its count of signals, the same as
 * runRuleSet's, without the reasons, benchmarks and breakdowns only a report shows.
 */
export function ruleSetFigures(inputs: BacktestInputs, rules: SignalRules, s: ScoringSettings, recorded = recordEvidence(inputs, rules)): { performance: Performance; signals: number } {
  checkReach(inputs, s);
  const signals = inRange(inputs, decideEvidence(recorded, rules));
  return { performance: traded(inputs, signals, s).performance, signals: signals.length };
}
