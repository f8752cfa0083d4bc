import type { SignalRules } from '../signals/config.ts';
import type { BacktestStats, ScoredSignal } from './score.ts';

// The backtest's files, byte-identical for the same inputs and settings: no run time, fixed
// number formats, stable order.

export const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(2)} %`);
const iso = (ms: number) => new Date(ms).toISOString();

export function signalsCsv(scored: readonly ScoredSignal[], horizons: readonly number[]): string {
  const head = ['signal_id', 'ts', 'ticker', 'action', 'confidence', 'entry', ...horizons.map((h) => `return_${h}m`)];
  const rows = [...scored]
    .sort((a, b) => a.signal.ts - b.signal.ts || (a.signal.signal_id < b.signal.signal_id ? -1 : 1))
    .map((s) => [s.signal.signal_id, iso(s.signal.ts), s.signal.ticker, s.signal.action, s.signal.confidence.toFixed(4), s.entry === null ? '' : String(s.entry), ...horizons.map((h) => {
      const r = s.returns.get(h);
      return r === null || r === undefined ? '' : r.toFixed(6);
    })].join(','));
  return `${[head.join(','), ...rows].join('\n')}\n`;
}

export function equitySvg(stats: BacktestStats, horizon: number): string {
  const w = 800;
  const h = 300;
  const pad = 40;
  const pts = [{ x: 0, y: 1 }, ...stats.equity.map((e, i) => ({ x: i + 1, y: e.equity }))];
  const ys = pts.map((p) => p.y);
  const [lo, hi] = [Math.min(...ys), Math.max(...ys)];
  const span = hi - lo || 1;
  const sx = (x: number) => pad + (x / Math.max(1, pts.length - 1)) * (w - 2 * pad);
  const sy = (y: number) => h - pad - ((y - lo) / span) * (h - 2 * pad);
  const line = pts.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">
<rect width="${w}" height="${h}" fill="white"/>
<text x="${pad}" y="20">Cumulative return, ${horizon}-minute horizon, compounded per signal</text>
<line x1="${pad}" y1="${sy(1).toFixed(1)}" x2="${w - pad}" y2="${sy(1).toFixed(1)}" stroke="#bbb" stroke-dasharray="4 4"/>
<text x="${w - pad + 4}" y="${(sy(1) + 4).toFixed(1)}">0 %</text>
<text x="4" y="${(sy(hi) + 4).toFixed(1)}">${pct(hi - 1)}</text>
<text x="4" y="${(sy(lo) + 4).toFixed(1)}">${pct(lo - 1)}</text>
<polyline fill="none" stroke="#1f6feb" stroke-width="2" points="${line}"/>
<text x="${pad}" y="${h - 10}">signals in time order (${stats.equity.length} scored)</text>
</svg>
`;
}

export function reportMarkdown(o: { from: number; to: number; rules: SignalRules; stats: BacktestStats; inputs: { news: number; candles: number }; late: number }): string {
  const s = o.stats;
  const lines = [
    '# Backtest',
    '',
    `Range: ${iso(o.from)} to ${iso(o.to)} (event time). Inputs: ${o.inputs.news} classified news, ${o.inputs.candles} candles; ${o.late} refused as late.`,
    '',
    '## Rules',
    '',
    '```json',
    JSON.stringify(o.rules, null, 2),
    '```',
    '',
    '## Results',
    '',
    `Signals: ${s.signals} (BUY ${s.byAction.BUY}, SELL ${s.byAction.SELL}).`,
    '',
    '| horizon | scored | hit rate | average return |',
    '|---|---|---|---|',
    ...s.horizons.map((hz) => `| ${hz.horizonMinutes} min | ${hz.scored} | ${pct(hz.hitRate)} | ${pct(hz.averageReturn)} |`),
    '',
    `Cumulative return (first horizon, compounded per signal): ${pct(s.cumulativeReturn)}; maximum drawdown: ${pct(s.maxDrawdown)}.`,
    '',
    '![cumulative return](equity.svg)',
    '',
    '## Per ticker',
    '',
    '| ticker | signals | average return (first horizon) |',
    '|---|---|---|',
    ...s.perTicker.map((t) => `| ${t.ticker} | ${t.signals} | ${pct(t.averageReturn)} |`),
    '',
    'Returns are from the open of the first bar starting at or after the signal (the paper executor\'s fill) to the close of the first bar ending at or after the horizon; BUY is long, SELL short; no costs.',
  ];
  return `${lines.join('\n')}\n`;
}
