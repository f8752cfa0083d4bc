import { describe, expect, it } from 'vitest';
import type { Candle, NewsClassified } from '../../schemas/records.ts';
import { BacktestSettings } from './config.ts';
import { prepareInputs, readUntilOf, warmupMsOf } from './inputs.ts';
import { ruleSetFigures, runRuleSet } from './run-rules.ts';
import { recordEvidence } from './shared-evidence.ts';

// One read's decoded inputs, many rule sets: each run is a pure function of them.

const DAY = 86_400_000;
const D0 = Date.UTC(2024, 0, 1, 14, 30);
const WORDS = ['chips', 'cloud', 'earnings', 'lawsuit', 'merger', 'recall', 'upgrade', 'dividend', 'buyback', 'outage', 'forecast', 'patent'];
let x = 7;
const rand = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);

const candles: Candle[] = [];
const news: NewsClassified[] = [];
for (let d = 0; d < 40; d++) {
  for (const [i, ticker] of ['AAA', 'BBB', 'IDX'].entries()) {
    const open = 100 + 10 * Math.sin((d + i * 5) / 6) + rand();
    const close = open * (1 + (rand() - 0.5) / 50);
    candles.push({ ticker, ts: D0 + d * DAY, interval: '1d', open, high: Math.max(open, close) * 1.01, low: Math.min(open, close) * 0.99, close, adjclose: null, volume: 1000, source: 't' });
  }
  if (d % 3 === 0) {
    const ticker = d % 2 ? 'AAA' : 'BBB';
    const t = D0 + d * DAY + 3_600_000;
    news.push({
      event_uid: `rr-${d}-`.padEnd(64, '0'), event_time: t, published_at: t, fetched_at: t + 1000, title: `${ticker} ${WORDS[d % WORDS.length]} ${WORDS[(d * 5 + 3) % WORDS.length]} day ${d}`, source: null, link: null, tickers: [ticker],
      sentiment_label: Math.sin(d / 4) > 0 ? 'positive' : 'negative', sentiment_score: 0.9, event_type: d % 2 ? 'earnings' : 'product', urgency: d % 9 ? 'routine' : 'breaking', model_version: 't', classified_at: t, story_key: null,
    });
  }
}

const settings = BacktestSettings.parse({
  rules: { halfLifeMinutes: 1440, horizonHalfLives: 2, buyThreshold: 0.3, sellThreshold: 0.3, maxAdverseMovePct: 100, cooldownMinutes: 0, storyWindowMinutes: 0 },
  horizonsMinutes: [1440],
  trading: { commissionBps: 1, slippageBps: 2, overlap: true },
  benchmarkTicker: 'IDX',
});
const { rules, ...scoring } = settings;
const from = D0 + 5 * DAY;
const to = D0 + 35 * DAY;
const inputs = prepareInputs({ news, candles, from, to, warmupMs: warmupMsOf(rules), untilMs: readUntilOf(to, scoring), candleInterval: '1d' });

describe('one rule set over decoded inputs', () => {
  const a = runRuleSet(inputs, rules, scoring);
  const s = a.stats;
  const p = s.performance;

  it('trades its signals and marks them on the time axis', () => {
    expect(s.signals).toBeGreaterThan(3);
    expect(p.trades).toBe(s.signals);
    expect(a.series.equity.at(-1)!.value - 1).toBeCloseTo(p.totalReturn, 12);
    expect(p.totalReturn).toBeCloseTo(a.simulation.trades.reduce((sum, t) => sum + t.netPnl, 0) / 100_000, 12);
    expect(a.series.perTicker.reduce((n, t) => n + t.trades, 0)).toBe(p.trades);
  });

  it('has enough daily returns for every figure, beta and alpha against the index', () => {
    expect(p.periodicReturns).toBeGreaterThanOrEqual(20);
    expect([p.annualisedReturn, p.volatility, p.sharpe, p.sortino, p.calmar].every((v) => v !== null)).toBe(true);
    expect(s.relative.against).toBe('IDX');
    expect(s.relative.beta).not.toBeNull();
    expect(s.benchmarks.map((b) => [b.name, b.figures !== null])).toEqual([['buy and hold', true], ['equal weight', true], ['IDX', true]]);
  });

  it('breaks the trades down by the tags of their heaviest item', () => {
    expect(s.perEventType.map((r) => r.key)).toEqual(['earnings', 'product']);
    expect(s.perEventType.reduce((n, r) => n + r.trades, 0)).toBe(p.trades);
    expect(s.perUrgency.reduce((n, r) => n + r.signals, 0)).toBe(s.signals);
  });

  it('gives the same result when called again, and other rules over the same inputs', () => {
    expect(runRuleSet(inputs, rules, scoring).stats).toEqual(s);
    const stricter = runRuleSet(inputs, { ...rules, buyThreshold: 5, sellThreshold: 5 }, scoring);
    expect(stricter.stats.signals).toBe(0);
    expect(stricter.stats.performance.totalReturn).toBe(0);
    expect(stricter.stats.benchmarks.filter((b) => b.figures).map((b) => b.name)).toEqual(['IDX']);
    expect(runRuleSet(inputs, rules, scoring).stats).toEqual(s);
  });

  it('refuses rules or settings the read is too short for', () => {
    expect(() => runRuleSet(inputs, { ...rules, halfLifeMinutes: 10 * 1440 }, scoring)).toThrow(/before the range/);
    expect(() => runRuleSet(inputs, rules, { ...scoring, trading: { ...scoring.trading, holdMinutes: 30 * 1440 } })).toThrow(/past the bars read/);
  });
});

describe("a sweep row's figures", () => {
  const recorded = recordEvidence(inputs, rules);
  const cases: Array<[string, Partial<typeof rules>, Partial<typeof scoring.trading>]> = [
    ['the rules as set', {}, {}],
    ['a higher threshold', { buyThreshold: 0.6, sellThreshold: 0.6 }, {}],
    ['a cooldown of three days', { cooldownMinutes: 3 * 1440 }, {}],
    ['no overlapping positions', {}, { overlap: false }],
    ['a stop and a take-profit', {}, { stopLossPct: 1, takeProfitPct: 1 }],
    ['no signal at all', { buyThreshold: 5, sellThreshold: 5 }, {}],
  ];
  it.each(cases)('are runRuleSet\'s over shared evidence: %s', (_, r, trading) => {
    const ruleSet = { ...rules, ...r };
    const settings = { ...scoring, trading: { ...scoring.trading, ...trading } };
    const full = runRuleSet(inputs, ruleSet, settings).stats;
    expect(ruleSetFigures(inputs, ruleSet, settings, recorded)).toEqual({ performance: full.performance, signals: full.signals });
  });

  it('refuses what runRuleSet refuses', () => {
    expect(() => ruleSetFigures(inputs, { ...rules, halfLifeMinutes: 10 * 1440 }, scoring)).toThrow(/before the range/);
    expect(() => ruleSetFigures(inputs, rules, { ...scoring, trading: { ...scoring.trading, holdMinutes: 30 * 1440 } })).toThrow(/past the bars read/);
  });
});
