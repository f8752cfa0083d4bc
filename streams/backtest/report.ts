import type { SignalRules } from '../signals/config.ts';
import { NO_TAG, UNKNOWN_TAG } from './attribution.ts';
import type { BreakdownRow } from './breakdown.ts';
import type { ScoringSettings } from './config.ts';
import { MIN_PERIODIC_RETURNS } from './metrics.ts';
import type { BacktestResult, BacktestStats } from './run-rules.ts';
import type { ExitReason } from './trades.ts';

// The backtest's files, byte-identical for the same inputs and settings: no run time, fixed
// number formats, stable order. The charts the report shows (equity.svg, drawdown.svg,
// tickers.svg, trade-returns.svg) are drawn from the result's ReportSeries, not here.

/** x to `digits` decimals; a value that rounds to zero is written without a sign (float noise gives "-0.00"). */
function decimals(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}
export const pct = (x: number | null) => (x === null ? '-' : `${decimals(x * 100, 2)} %`);
const fixed = (x: number | null, digits = 2) => (x === null ? '-' : decimals(x, digits));
const money = (x: number) => decimals(x, 2);
const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const iso = (ms: number) => new Date(ms).toISOString();
const minutes = (m: number) => `${m} min`;

export function duration(ms: number): string {
  const total = Math.round(ms / 60_000);
  const [d, h, m] = [Math.floor(total / 1440), Math.floor((total % 1440) / 60), total % 60];
  return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : `${m} min`;
}

const EXITS: ExitReason[] = ['horizon', 'stop-loss', 'take-profit', 'end-of-data'];

/** The one-line summary `backtest` prints. */
export function summaryLine(s: BacktestStats): string {
  const p = s.performance;
  return `${s.signals} signals, ${p.trades} trades, net total return ${pct(p.totalReturn)}, Sharpe ${fixed(p.sharpe)}, max drawdown ${pct(p.maxDrawdown)}`;
}

export function signalsCsv(r: BacktestResult, horizons: readonly number[]): string {
  const traded = new Set(r.simulation.trades.map((t) => t.signal.signal_id));
  const overlap = new Set(r.simulation.skippedOverlap.map((s) => s.signal_id));
  const head = ['signal_id', 'ts', 'ticker', 'action', 'confidence', 'entry', ...horizons.map((h) => `return_${h}m`), 'trade'];
  const rows = r.scored.map((s) => [
    s.signal.signal_id,
    iso(s.signal.ts),
    s.signal.ticker,
    s.signal.action,
    s.signal.confidence.toFixed(4),
    s.entry === null ? '' : String(s.entry),
    ...horizons.map((h) => {
      const x = s.returns.get(h);
      return x === null || x === undefined ? '' : decimals(x, 6);
    }),
    traded.has(s.signal.signal_id) ? 'traded' : overlap.has(s.signal.signal_id) ? 'overlap' : 'unfilled',
  ].join(','));
  return `${[head.join(','), ...rows].join('\n')}\n`;
}

/** A CSV field: quoted when it holds a comma or quote (event types come from a model's labels). */
const field = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function tradesCsv(r: BacktestResult): string {
  const head = ['signal_id', 'ticker', 'side', 'event_type', 'urgency', 'entry_ts', 'entry_price', 'exit_ts', 'exit_price', 'exit_reason', 'shares', 'gross_return', 'costs', 'net_pnl', 'net_return'];
  const rows = r.simulation.trades.map((t) => {
    const a = r.attribution.get(t.signal.signal_id);
    return [
      t.signal.signal_id,
      t.signal.ticker,
      t.side === 1 ? 'long' : 'short',
      field(a?.eventType ?? NO_TAG),
      field(a?.urgency ?? NO_TAG),
      iso(t.entryTs),
      t.entryPrice.toFixed(6),
      iso(t.exitTs),
      t.exitPrice.toFixed(6),
      t.exitReason,
      t.shares.toFixed(6),
      decimals(t.grossReturn, 6),
      money(t.costs),
      money(t.netPnl),
      decimals(t.netReturn, 6),
    ].join(',');
  });
  return `${[head.join(','), ...rows].join('\n')}\n`;
}

function breakdownTable(title: string, rows: readonly BreakdownRow[]): string[] {
  return [
    `| ${title} | signals | trades | hit rate | net P&L | contribution | average trade return | compounded |`,
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.key} | ${r.signals} | ${r.trades} | ${pct(r.hitRate)} | ${money(r.netPnl)} | ${pct(r.contribution)} | ${pct(r.averageReturn)} | ${pct(r.compounded)} |`),
  ];
}

function tradingModel(s: ScoringSettings, holdMinutes: number): string[] {
  const t = s.trading;
  return [
    '| setting | value |',
    '|---|---|',
    `| capital | ${money(t.capital)} |`,
    `| position size | ${money(t.positionSize)} a trade |`,
    `| commission | ${t.commissionBps} bps a side |`,
    `| slippage | ${t.slippageBps} bps a side |`,
    `| fill | open of the first bar starting at or after the signal${t.fillDelayMinutes ? ` + ${minutes(t.fillDelayMinutes)}` : ''} |`,
    `| exit | close of the first bar ending at or after the fill + ${minutes(holdMinutes)}${t.holdMinutes === undefined ? ' (the first horizon)' : ''} |`,
    `| stop-loss | ${t.stopLossPct === undefined ? 'none' : `${t.stopLossPct} % from the entry bar's open`} |`,
    `| take-profit | ${t.takeProfitPct === undefined ? 'none' : `${t.takeProfitPct} % from the entry bar's open`} |`,
    `| positions of one ticker overlap | ${t.overlap ? 'yes' : 'no: a signal on a ticker with an open position is skipped'} |`,
    `| benchmark index | ${s.benchmarkTicker ?? 'none'} |`,
  ];
}

export interface ReportContext {
  from: number;
  to: number;
  rules: SignalRules;
  settings: ScoringSettings;
  result: BacktestResult;
  read: { news: number; candles: number };
}

export function reportMarkdown(o: ReportContext): string {
  const s = o.result.stats;
  const p = s.performance;
  const period = s.period.name;
  const exits = new Map(EXITS.map((e) => [e, o.result.simulation.trades.filter((t) => t.exitReason === e).length]));
  const missingBenchmarks = s.benchmarks.filter((b) => !b.figures);
  const rel = s.relative;
  const lines = [
    '# Backtest',
    '',
    `Range: ${iso(o.from)} to ${iso(o.to)} (event time). Inputs: ${o.read.news} classified news, ${o.read.candles} candles; ${o.result.engine.late} refused as late. ` +
      `The portfolio is marked to market at ${s.marks.count} points from ${iso(s.marks.start)} to ${iso(s.marks.end)}: the start, then every bar close up to the range's end or the last exit, whichever is later.`,
    '',
    '## Rules',
    '',
    '```json',
    JSON.stringify(o.rules, null, 2),
    '```',
    '',
    '## Trading model',
    '',
    ...tradingModel(o.settings, s.holdMinutes),
    '',
    'BUY opens a long, SELL a short, each of the fixed position size whatever the equity: profits are not reinvested, there is no cash limit (overlapping positions lever up) and no borrow or financing cost. ' +
      'Slippage moves each fill against the trade; commission is paid on the notional of both sides. Stop-loss and take-profit levels are set from the entry bar\'s open and checked on each bar\'s low and high in bar order, from the entry bar on: ' +
      'a bar opening beyond a level exits at its open, a bar whose range reaches both levels is taken as stopped out (conservative), and an exit within a bar is booked at that bar\'s close time. ' +
      'A trade with no bar to exit on closes at the last bar read ("end-of-data"). Open positions are marked at each close of their ticker, net of the entry\'s costs.',
    '',
    '## Signals',
    '',
    `Signals: ${s.signals} (BUY ${s.byAction.BUY}, SELL ${s.byAction.SELL}). Traded: ${p.trades}; skipped: ${s.skipped.overlap} on a ticker with a position open, ${s.skipped.unfilled} with no bar to fill at.`,
    '',
    'Forward returns of every signal, before costs, from the open of the first bar at or after it to the close of the first bar ending at or after the horizon:',
    '',
    '| horizon | scored | hit rate | average return |',
    '|---|---|---|---|',
    ...s.horizons.map((hz) => `| ${hz.horizonMinutes} min | ${hz.scored} | ${pct(hz.hitRate)} | ${pct(hz.averageReturn)} |`),
    '',
    '## Performance',
    '',
    '![equity](equity.svg)',
    '',
    '![drawdown](drawdown.svg)',
    '',
    '| figure | value |',
    '|---|---|',
    `| net total return | ${pct(p.totalReturn)} |`,
    `| gross total return (no costs) | ${pct(p.grossTotalReturn)} |`,
    `| costs | ${money(p.costs)} (${pct(p.costs / o.settings.trading.capital)} of capital) |`,
    `| annualised return | ${pct(p.annualisedReturn)} |`,
    `| annualised volatility (${period} returns) | ${pct(p.volatility)} |`,
    `| Sharpe | ${fixed(p.sharpe)} |`,
    `| Sortino | ${fixed(p.sortino)} |`,
    `| maximum drawdown | ${pct(p.maxDrawdown)} |`,
    `| maximum drawdown duration | ${duration(p.maxDrawdownDurationMs)} |`,
    `| Calmar | ${fixed(p.calmar)} |`,
    `| trades | ${p.trades} |`,
    `| hit rate | ${pct(p.hitRate)} |`,
    `| profit factor | ${fixed(p.profitFactor)} |`,
    `| average win | ${pct(p.averageWin)} |`,
    `| average loss | ${pct(p.averageLoss)} |`,
    `| exposure | ${pct(p.exposure)} |`,
    `| turnover | ${fixed(p.turnover)} × |`,
    '',
    `${count(p.periodicReturns, `${period} return`)}.${p.unavailable.map((u) => ` ${u.figures.join(', ')}: - (${u.why}).`).join('')}`,
    '',
    '## Benchmarks',
    '',
    'Over the same time points, each starting with the capital at the range\'s start, without costs.',
    '',
    '| benchmark | holds | total return | annualised return | maximum drawdown | strategy\'s excess return |',
    '|---|---|---|---|---|---|',
    ...s.benchmarks.map((b) => `| ${b.name} | ${b.description} | ${pct(b.figures?.totalReturn ?? null)} | ${pct(b.figures?.annualisedReturn ?? null)} | ${pct(b.figures?.maxDrawdown ?? null)} | ${pct(b.excessReturn)} |`),
    '',
    ...(missingBenchmarks.length ? [missingBenchmarks.map((b) => `${b.name}: - (${b.why}).`).join(' '), ''] : []),
    rel.beta === null
      ? `Beta and alpha${rel.against ? ` against ${rel.against}` : ''}: - (${rel.why}).`
      : `Against ${rel.against}, from ${count(p.periodicReturns, `${period} return`)}: beta ${fixed(rel.beta)}, alpha ${pct(rel.alpha)} a year.`,
    '',
    '## Per ticker',
    '',
    '![per ticker](tickers.svg)',
    '',
    ...breakdownTable('ticker', s.perTicker),
    '',
    '## Per event type',
    '',
    ...breakdownTable('event type', s.perEventType),
    '',
    '## Per urgency',
    '',
    ...breakdownTable('urgency', s.perUrgency),
    '',
    'A signal\'s event type and urgency are those of the news item weighing most in it: of the items its reason lists, the one with the largest absolute decayed weight ' +
      '(signed score × 2^(−age at the signal / half-life)), the earlier on a tie, with the event type and urgency of its news.classified record. ' +
      `${NO_TAG}: the item has none; ${UNKNOWN_TAG}: the item is not among the news read.`,
    '',
    '## Trades',
    '',
    '![trade returns](trade-returns.svg)',
    '',
    `Exits: ${EXITS.map((e) => `${e} ${exits.get(e)}`).join(', ')}. Every trade is in trades.csv, every signal in signals.csv.`,
    '',
    '## Definitions',
    '',
    '- Net total return: the equity at the last point over the capital, minus 1. Gross: the same trades at bar prices, without costs.',
    `- Periodic returns: of the equity at the last point of each UTC day (per bar for bars longer than a day); annualised with ${s.period.periodsPerYear} periods a year. Figures built on them need at least ${MIN_PERIODIC_RETURNS}.`,
    '- Annualised return: (1 + total return)^(1 year / time from the first to the last point) − 1, with a year of 365.25 days.',
    '- Volatility: the standard deviation (n − 1) of the periodic returns × √(periods a year).',
    '- Sharpe: mean periodic return / its standard deviation × √(periods a year); Sortino: the same over the downside deviation √(mean of min(r, 0)²). Risk-free rate 0.',
    '- Maximum drawdown: the deepest fall of the equity from its running peak; its duration: the longest time from a peak to the first point back at it (or to the last point). Calmar: annualised return / maximum drawdown.',
    '- Hit rate: the share of trades with a positive net P&L; profit factor: the sum of winning trades\' net P&L over that of losing ones; average win and loss: the mean net return (of the position size) of winning and of losing trades.',
    '- Exposure: the share of the time from the first to the last point with at least one position open. Turnover: the notional traded (both sides) over the mean equity.',
    '- Excess return: the strategy\'s net total return minus the benchmark\'s. Beta: the covariance of the periodic returns with the benchmark\'s over the benchmark\'s variance; alpha: (mean return − beta × the benchmark\'s mean return) × periods a year. Against the index ticker when it has bars, else against equal weight.',
    '- Contribution: a group\'s net P&L over the capital; compounded: its trades\' net returns compounded.',
  ];
  return `${lines.join('\n')}\n`;
}
