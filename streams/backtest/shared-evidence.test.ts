import { describe, expect, it } from 'vitest';
import type { Candle, NewsClassified } from '../../schemas/records.ts';
import { SignalRules } from '../signals/config.ts';
import { SignalEngine } from '../signals/engine.ts';
import { prepareInputs, warmupMsOf, type BacktestInputs } from './inputs.ts';
import { attributedItem } from './attribution.ts';
import { evidenceKeyOf, judgeEvidence, recordEvidence } from './shared-evidence.ts';

// Rule sets that share an evidence key judge one recorded engine run: each must get exactly the
// signals an engine of its own makes, cooldown, copies and volume filter included.

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
let x = 11;
const rand = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);

const candles: Candle[] = [];
const news: NewsClassified[] = [];
const tickers = ['AAA', 'BBB', 'CCC'];
for (let m = 0; m < 600; m++) {
  for (const [i, ticker] of tickers.entries()) {
    const open = 50 + 5 * Math.sin((m + i * 40) / 30) + rand();
    const close = open * (1 + (rand() - 0.5) / 100);
    candles.push({ ticker, ts: T0 + m * MIN, interval: '1m', open, high: Math.max(open, close), low: Math.min(open, close), close, adjclose: null, volume: Math.round(1000 + 900 * rand()), source: 't' });
  }
  if (m % 4 === 0) {
    const ticker = tickers[m % 3]!;
    const t = T0 + m * MIN + 20_000;
    // Some items repeat the story of their ticker's item 12 minutes before: copies left out.
    const story = (m % 24 === 12 ? m - 12 : m).toString(16).padStart(64, '0');
    news.push({
      event_uid: `se-${m}`.padEnd(64, '0'), event_time: t, published_at: t, fetched_at: t + 1000, title: `${ticker} item ${m}`, source: null, link: null, tickers: [ticker, ...(m % 20 === 0 ? ['AAA'] : [])],
      sentiment_label: Math.sin(m / 50) > 0 ? 'positive' : 'negative', sentiment_score: 0.6 + 0.4 * rand(), event_type: 'earnings', urgency: 'routine', model_version: 't', classified_at: t, story_key: story,
    });
  }
}

const base = { halfLifeMinutes: 20, horizonHalfLives: 3, allowedLatenessSeconds: 60, storyWindowMinutes: 30, storyMaxDistance: 0 };
const from = T0 + 120 * MIN;
const to = T0 + 580 * MIN;
const inputs: BacktestInputs = prepareInputs({ news, candles, from, to, warmupMs: warmupMsOf(SignalRules.parse(base)), untilMs: T0 + 600 * MIN, candleInterval: '1m' });

function ownEngine(rules: SignalRules) {
  const since = from - warmupMsOf(rules);
  const engine = new SignalEngine(rules);
  const out = [];
  for (const k of inputs.engineInputs) if (k.keptBy >= since) out.push(...engine.push(k.input).signals);
  out.push(...engine.flush());
  return { signals: out, stats: engine.stats };
}

const judged = [
  { buyThreshold: 0.5, sellThreshold: 0.5, cooldownMinutes: 0 },
  { buyThreshold: 0.9, sellThreshold: 0.7, cooldownMinutes: 30 },
  { buyThreshold: 1.5, sellThreshold: 1.5, cooldownMinutes: 120, minNews: 2 },
  { buyThreshold: 0.6, sellThreshold: 0.6, cooldownMinutes: 10, minVolumeRatio: 1.2, maxAdverseMovePct: 0.5 },
];

describe('shared evidence', () => {
  const recorded = recordEvidence(inputs, SignalRules.parse(base));

  it.each(judged)('judges %o exactly as its own engine', (j) => {
    const rules = SignalRules.parse({ ...base, ...j });
    expect(evidenceKeyOf(rules)).toBe(evidenceKeyOf(SignalRules.parse(base)));
    const own = ownEngine(rules);
    expect(own.signals.length).toBeGreaterThan(0);
    const shared = judgeEvidence(recorded, rules);
    expect(shared.signals).toEqual(own.signals);
    expect(shared.engine).toEqual(own.stats);
  });

  it.each(judged)('attributes each signal of %o from its evidence as its reason reads', (j) => {
    const { signals } = judgeEvidence(recorded, SignalRules.parse({ ...base, ...j }));
    // A copy of a signal is not the one judged: it is attributed from its reason, parsed.
    const fromReason = signals.map((s) => attributedItem({ ...s }));
    expect(fromReason.filter((u) => u !== null).length).toBe(signals.length);
    expect(signals.map(attributedItem)).toEqual(fromReason);
    expect(new Set(fromReason).size).toBeGreaterThan(1);
  });

  it('leaves copies out of the evidence and names them', () => {
    expect(recorded.engine.storyCopies).toBeGreaterThan(0);
    expect(recorded.bars.some((e) => e.copies.length > 0)).toBe(true);
  });

  it.each([{ halfLifeMinutes: 30 }, { horizonHalfLives: 2 }, { lookbackBars: 3 }, { allowedLatenessSeconds: 0 }, { storyWindowMinutes: 0 }, { storyMaxDistance: 3 }])('gives %o its own evidence key', (r) => {
    expect(evidenceKeyOf(SignalRules.parse({ ...base, ...r }))).not.toBe(evidenceKeyOf(SignalRules.parse(base)));
  });
});
