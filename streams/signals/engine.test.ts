import { describe, expect, it } from 'vitest';
import { storyKey } from '../story/story-key.ts';
import { SignalRules } from './config.ts';
import { SignalEngine } from './engine.ts';
import { signalId } from './judge.ts';
import type { CandleInput, EngineInput, NewsInput } from './inputs.ts';
import { eventTimeOf } from './inputs.ts';
import { Watermark } from './watermark.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);

const news = (uid: string, minute: number, label: string, score: number, tickers = ['AAPL'], classifiedAt = T0 + minute * MIN + MIN): NewsInput => ({
  kind: 'news',
  eventUid: uid,
  tickers,
  label,
  score,
  eventTime: T0 + minute * MIN,
  classifiedAt,
  modelVersion: 'm@1',
  storyKey: null,
});
/** An item with a headline, whose story key tells its copies from other stories. */
const headline = (uid: string, minute: number, label: string, score: number, title: string, tickers = ['AAPL']): NewsInput => ({ ...news(uid, minute, label, score, tickers), storyKey: storyKey(title) });
const WIRE = 'Apple shares rise before the bell after iPhone sales beat estimates';
const WIRE_COPY = 'UPDATE 1-Apple shares rise before the bell after iPhone sales top estimates - Reuters';
const OTHER_STORY = 'Apple shares rise after the close as services revenue beats estimates';
/** The same item classified again later (another model, a redrive): same event_uid and time. */
const reclassified = (n: NewsInput, label: string, score: number, laterMs = 3_600_000): NewsInput => ({ ...n, label, score, classifiedAt: n.classifiedAt + laterMs, modelVersion: 'm@2' });
const bar = (minute: number, close: number, ticker = 'AAPL', volume: number | null = 1000): CandleInput => ({ kind: 'candle', ticker, ts: T0 + minute * MIN, intervalMs: MIN, close, volume });

function run(rules: Partial<SignalRules>, inputs: EngineInput[]) {
  const engine = new SignalEngine(SignalRules.parse({ allowedLatenessSeconds: 120, cooldownMinutes: 0, ...rules }));
  const signals = inputs.flatMap((i) => engine.push(i).signals);
  return { signals: [...signals, ...engine.flush()], engine };
}

describe('Watermark', () => {
  const steps: Array<['news' | 'candle', number, number]> = [
    ['news', 10_000, 9_000],
    ['candle', 5_000, 9_000], // older input never moves it back
    ['candle', 20_000, 19_000], // a quiet news stream does not hold it
    ['news', 15_000, 19_000],
    ['news', 30_000, 29_000],
  ];
  it('is the newest event time of any input minus the lateness, never moving back', () => {
    const w = new Watermark(1000);
    for (const [stream, t, expected] of steps) expect(w.observe(stream, t)).toBe(expected);
    expect(w.close()).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('SignalEngine rules', () => {
  const cases: Array<{ name: string; rules?: Partial<SignalRules>; inputs: EngineInput[]; expected: Array<[string, string, number]> }> = [
    {
      name: 'positive news, then a bar: BUY at the bar end',
      inputs: [news('n1', 0, 'positive', 0.95), bar(0, 100), bar(1, 101)],
      expected: [['AAPL', 'BUY', T0 + MIN], ['AAPL', 'BUY', T0 + 2 * MIN]],
    },
    {
      name: 'negative news: SELL',
      inputs: [news('n1', 0, 'negative', 0.9), bar(0, 100)],
      expected: [['AAPL', 'SELL', T0 + MIN]],
    },
    {
      name: 'neutral news counts for nothing',
      inputs: [news('n1', 0, 'neutral', 0.99), bar(0, 100)],
      expected: [],
    },
    {
      name: 'news after the bar end does not reach back',
      inputs: [bar(0, 100), news('n1', 5, 'positive', 0.95)],
      expected: [],
    },
    {
      name: 'a quiet news stream does not hold decisions back',
      inputs: [news('n1', 0, 'positive', 0.95), bar(0, 100), bar(1, 100), bar(2, 100)],
      expected: [['AAPL', 'BUY', T0 + MIN], ['AAPL', 'BUY', T0 + 2 * MIN], ['AAPL', 'BUY', T0 + 3 * MIN]],
    },
    {
      name: 'decay: one half-life later the score is halved, below the threshold',
      rules: { halfLifeMinutes: 10, buyThreshold: 0.6 },
      inputs: [news('n1', 0, 'positive', 0.9), bar(9, 100)],
      expected: [],
    },
    {
      name: 'two positives add up over the threshold',
      rules: { buyThreshold: 1.2 },
      inputs: [news('n1', 0, 'positive', 0.7), news('n2', 0, 'positive', 0.7), bar(0, 100)],
      expected: [['AAPL', 'BUY', T0 + MIN]],
    },
    {
      name: 'a price fall beyond maxAdverseMovePct blocks a BUY',
      rules: { lookbackBars: 2, maxAdverseMovePct: 3 },
      inputs: [bar(-2, 100), bar(-1, 98), news('n1', 0.5, 'positive', 0.95), bar(0, 96)],
      expected: [],
    },
    {
      name: 'cooldown: the same action rests',
      rules: { cooldownMinutes: 5 },
      inputs: [news('n1', 0, 'positive', 0.95), bar(0, 100), bar(1, 100), bar(5, 100), bar(6, 100)],
      expected: [['AAPL', 'BUY', T0 + MIN], ['AAPL', 'BUY', T0 + 6 * MIN]],
    },
    {
      name: 'volume filter',
      rules: { lookbackBars: 2, minVolumeRatio: 2 },
      inputs: [bar(-2, 100, 'AAPL', 1000), bar(-1, 100, 'AAPL', 1000), news('n1', 0, 'positive', 0.95), bar(0, 100, 'AAPL', 1500), bar(1, 100, 'AAPL', 2500)],
      expected: [['AAPL', 'BUY', T0 + 2 * MIN]],
    },
    {
      name: 'the same classification twice (a redrive) counts once',
      rules: { buyThreshold: 1.2 },
      inputs: [news('n1', 0, 'positive', 0.7), news('n1', 0, 'positive', 0.7), bar(0, 100)],
      expected: [],
    },
    {
      name: 'of two classifications of one item, the later stands, whichever arrives first',
      inputs: [reclassified(news('n1', 0, 'positive', 0.95), 'negative', 0.95), news('n1', 0, 'positive', 0.95), bar(0, 100)],
      expected: [['AAPL', 'SELL', T0 + MIN]],
    },
    {
      name: 'a revised bar before its decision replaces the first: one decision, on the revision',
      rules: { lookbackBars: 1, maxAdverseMovePct: 3 },
      inputs: [bar(-1, 100), news('n1', 0.5, 'positive', 0.95), bar(0, 100), bar(0, 96), bar(1, 97)],
      expected: [['AAPL', 'BUY', T0 + 2 * MIN]],
    },
    {
      name: 'a news item about two tickers counts for both',
      inputs: [news('n1', 0, 'positive', 0.95, ['AAPL', 'MSFT']), bar(0, 100, 'MSFT'), bar(0, 100, 'AAPL')],
      expected: [['AAPL', 'BUY', T0 + MIN], ['MSFT', 'BUY', T0 + MIN]],
    },
    {
      name: 'two copies of one story from two feeds count once',
      rules: { buyThreshold: 1.2 },
      inputs: [headline('n1', 0, 'positive', 0.7, WIRE), headline('n2', 0.5, 'positive', 0.7, WIRE_COPY), bar(0, 100)],
      expected: [],
    },
    {
      name: 'two stories that share words count twice',
      rules: { buyThreshold: 1.2 },
      inputs: [headline('n1', 0, 'positive', 0.7, WIRE), headline('n2', 0.5, 'positive', 0.7, OTHER_STORY), bar(0, 100)],
      expected: [['AAPL', 'BUY', T0 + MIN]],
    },
    {
      name: 'the earliest copy counts, with its own label: a later copy read otherwise changes nothing',
      inputs: [headline('n2', 0.5, 'positive', 0.95, WIRE_COPY), headline('n1', 0, 'negative', 0.9, WIRE), bar(0, 100)],
      expected: [['AAPL', 'SELL', T0 + MIN]],
    },
    {
      name: 'one headline again after the story window is another story',
      rules: { buyThreshold: 1.2, storyWindowMinutes: 10 },
      inputs: [headline('n1', 0, 'positive', 0.7, WIRE), headline('n2', 20, 'positive', 0.7, WIRE), bar(20, 100)],
      expected: [['AAPL', 'BUY', T0 + 21 * MIN]],
    },
    {
      name: 'storyWindowMinutes 0 counts every copy',
      rules: { buyThreshold: 1.2, storyWindowMinutes: 0 },
      inputs: [headline('n1', 0, 'positive', 0.7, WIRE), headline('n2', 0.5, 'positive', 0.7, WIRE_COPY), bar(0, 100)],
      expected: [['AAPL', 'BUY', T0 + MIN]],
    },
    {
      name: 'a story counts once per ticker: the copy about another ticker too counts there',
      rules: { buyThreshold: 0.6 },
      inputs: [headline('n1', 0, 'positive', 0.7, WIRE), headline('n2', 0.5, 'positive', 0.7, WIRE_COPY, ['AAPL', 'MSFT']), bar(0, 100, 'MSFT'), bar(0, 100)],
      expected: [['AAPL', 'BUY', T0 + MIN], ['MSFT', 'BUY', T0 + MIN]],
    },
  ];
  it.each(cases)('$name', ({ rules, inputs, expected }) => {
    const { signals } = run(rules ?? {}, inputs);
    expect(signals.map((s) => [s.ticker, s.action, s.ts])).toEqual(expected);
  });

  it('explains itself in `reason` and derives the id from the inputs', () => {
    const { signals } = run({}, [news('n1', 0, 'positive', 0.95), bar(0, 100)]);
    const s = signals[0]!;
    expect(s.signal_id).toBe(signalId('AAPL', 'BUY', T0 + MIN, ['n1']));
    expect(s.status).toBe('PENDING');
    expect(s.confidence).toBeGreaterThan(0.5);
    const reason = JSON.parse(s.reason);
    expect(reason).toMatchObject({ rule: 'sentiment_momentum', action: 'BUY', threshold: 0.8, news: [{ event_uid: 'n1', label: 'positive', score: 0.95 }], bar: { close: 100 } });
  });

  it('moves the sentiment once for two copies of one story, and names the copy in the reason', () => {
    const sentimentOf = (rules: Partial<SignalRules>) => JSON.parse(run({ buyThreshold: 0.5, ...rules }, [headline('n1', 0, 'positive', 0.7, WIRE), headline('n2', 0.5, 'positive', 0.7, WIRE_COPY), bar(0, 100)]).signals[0]!.reason);
    const once = sentimentOf({});
    const decayed = (minute: number) => 0.7 * 2 ** (-(1 - minute) / 120);
    expect(once.sentiment).toBeCloseTo(decayed(0), 6);
    expect(once.news.map((n: { event_uid: string }) => n.event_uid)).toEqual(['n1']);
    expect(once.copies).toEqual([{ event_uid: 'n2', copy_of: 'n1' }]);
    const every = sentimentOf({ storyWindowMinutes: 0 });
    expect(every.sentiment).toBeCloseTo(decayed(0) + decayed(0.5), 6);
    expect(every).not.toHaveProperty('copies');
  });

  it('restores state written before story keys: those items are stories of their own', () => {
    const engine = new SignalEngine(SignalRules.parse({ allowedLatenessSeconds: 120, buyThreshold: 1.2, cooldownMinutes: 0 }));
    const { storyKey: _, ...before } = headline('n1', 0, 'positive', 0.7, WIRE);
    engine.restore(new Map([['ticker:AAPL', { news: [before], bars: [], history: [], lastAction: [] }]]));
    const signals = [...engine.push(headline('n2', 0.5, 'positive', 0.7, WIRE)).signals, ...engine.push(bar(0, 100)).signals, ...engine.flush()];
    expect(signals.map((x) => x.action)).toEqual(['BUY']);
  });

  it('refuses a record older than the watermark allows, takes one within the lateness', () => {
    const engine = new SignalEngine(SignalRules.parse({ allowedLatenessSeconds: 90 }));
    engine.push(news('n1', 0, 'positive', 0.95));
    engine.push(bar(10, 100)); // watermark: 11 min - 90 s = 9.5 min
    expect(engine.push(bar(2, 100)).late).toBe(true);
    expect(engine.push(bar(9, 100)).late).toBe(false); // ends at 10 min, after the watermark
    expect(engine.push(news('n2', 9, 'positive', 0.95)).late).toBe(true);
    expect(engine.stats.late).toBe(2);
  });
});

describe('determinism', () => {
  // A seeded generator: the same "topics" every run.
  function rng(seed: number) {
    let x = seed >>> 0;
    return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  }

  function dataset(seed: number): EngineInput[] {
    const r = rng(seed);
    const tickers = ['AAPL', 'MSFT', 'NVDA', 'SAP.DE'];
    const inputs: EngineInput[] = [];
    for (let m = 0; m < 600; m++) {
      for (const t of tickers) inputs.push(bar(m, 100 + Math.round(r() * 500) / 100, t, Math.round(500 + r() * 1000)));
      if (r() < 0.15) {
        const labels = ['positive', 'negative', 'neutral'];
        inputs.push(news(`n${m}-${Math.floor(r() * 1e6)}`, m + r(), labels[Math.floor(r() * 3)]!, 0.5 + r() * 0.5, [tickers[Math.floor(r() * tickers.length)]!]));
      }
    }
    return inputs.sort((a, b) => eventTimeOf(a) - eventTimeOf(b));
  }

  /** Each record delayed by up to `maxDelayMs` of event time: a legal interleaving under that lateness. */
  function shuffleWithinLateness(inputs: EngineInput[], maxDelayMs: number, seed: number): EngineInput[] {
    const r = rng(seed);
    return inputs
      .map((input, i) => ({ input, arrival: eventTimeOf(input) + r() * maxDelayMs, i }))
      .sort((a, b) => a.arrival - b.arrival || a.i - b.i)
      .map((x) => x.input);
  }

  const rules = { allowedLatenessSeconds: 300, halfLifeMinutes: 30, buyThreshold: 0.7, sellThreshold: 0.7, cooldownMinutes: 30 };

  it.each([1, 2, 3])('second classifications shuffled in count once, the later standing, as if only it had come (seed %i)', (seed) => {
    const ordered = dataset(seed);
    const r = rng(seed * 31);
    const latest: EngineInput[] = [];
    const both: EngineInput[] = [];
    for (const i of ordered) {
      if (i.kind === 'news' && r() < 0.5) {
        const again = reclassified(i, ['positive', 'negative', 'neutral'][Math.floor(r() * 3)]!, 0.5 + r() * 0.5);
        latest.push(again);
        both.push(i, again);
      } else {
        latest.push(i);
        both.push(i);
      }
    }
    const once = run(rules, latest);
    const twice = run(rules, shuffleWithinLateness(both, 4 * MIN, seed * 104729));
    expect(twice.engine.stats.late).toBe(0);
    expect(twice.engine.stats.duplicateNews).toBeGreaterThan(10);
    expect(once.signals.length).toBeGreaterThan(3);
    expect(JSON.stringify(twice.signals)).toBe(JSON.stringify(once.signals));
  });

  /** The dataset with a headline for each item, and some of them republished by another feed up to 10 minutes later. */
  function withCopies(seed: number): { inputs: EngineInput[]; copies: number } {
    const r = rng(seed * 131);
    // Headlines of six words drawn from 1000: two stories share a word or two at most.
    const headlineWords = () => Array.from({ length: 6 }, () => `word${Math.floor(r() * 1000)}`).join(' ');
    const out: EngineInput[] = [];
    let copies = 0;
    for (const i of dataset(seed)) {
      if (i.kind !== 'news') {
        out.push(i);
        continue;
      }
      const title = headlineWords();
      out.push({ ...i, storyKey: storyKey(title) });
      if (r() < 0.4) {
        copies++;
        out.push({ ...i, eventUid: `${i.eventUid}-copy`, eventTime: i.eventTime + Math.round(r() * 10 * MIN), label: ['positive', 'negative', 'neutral'][Math.floor(r() * 3)]!, storyKey: storyKey(`UPDATE 1-${title} - Reuters`) });
      }
    }
    return { inputs: out.sort((a, b) => eventTimeOf(a) - eventTimeOf(b)), copies };
  }

  it.each([1, 2, 3])('copies of stories count once, in any interleaving within the lateness and across a restore (seed %i)', (seed) => {
    const { inputs, copies } = withCopies(seed);
    const ordered = run(rules, inputs);
    expect(ordered.engine.stats.storyCopies).toBe(copies);
    expect(copies).toBeGreaterThan(10);
    expect(ordered.signals.length).toBeGreaterThan(3);
    // Dedupe changes signals here: without it the copies would count.
    expect(JSON.stringify(run({ ...rules, storyWindowMinutes: 0 }, inputs).signals)).not.toBe(JSON.stringify(ordered.signals));
    const shuffled = run(rules, shuffleWithinLateness(inputs, 4 * MIN, seed * 7919));
    expect(shuffled.engine.stats.late).toBe(0);
    expect(JSON.stringify(shuffled.signals)).toBe(JSON.stringify(ordered.signals));

    const first = new SignalEngine(SignalRules.parse(rules));
    const changelog = new Map<string, unknown>();
    const cut = Math.floor(inputs.length * (0.3 + seed / 10));
    const signals = inputs.slice(0, cut).flatMap((i) => first.push(i).signals);
    for (const k of first.takeDirty()) changelog.set(k, JSON.parse(JSON.stringify(first.snapshot(k))));
    const second = new SignalEngine(SignalRules.parse(rules));
    second.restore(changelog);
    signals.push(...inputs.slice(cut).flatMap((i) => second.push(i).signals), ...second.flush());
    expect(JSON.stringify(signals)).toBe(JSON.stringify(ordered.signals));
  });

  it.each([1, 2, 3])('an engine restored from its changelog state mid-stream makes the signals of one engine over the whole stream (seed %i)', (seed) => {
    const inputs = dataset(seed);
    const whole = run(rules, inputs).signals.filter((s) => Number.isFinite(s.ts));
    const first = new SignalEngine(SignalRules.parse(rules));
    const changelog = new Map<string, unknown>();
    const commit = () => {
      for (const k of first.takeDirty()) {
        const v = first.snapshot(k);
        if (v === null) changelog.delete(k);
        else changelog.set(k, JSON.parse(JSON.stringify(v)));
      }
    };
    const cut = Math.floor(inputs.length * (0.3 + seed / 10));
    const signals = inputs.slice(0, cut).flatMap((i, n) => {
      const out = first.push(i).signals;
      if (n % 23 === 0) commit();
      return out;
    });
    commit();
    const second = new SignalEngine(SignalRules.parse(rules));
    second.restore(changelog);
    signals.push(...inputs.slice(cut).flatMap((i) => second.push(i).signals), ...second.flush());
    expect(whole.length).toBeGreaterThan(3);
    expect(JSON.stringify(signals)).toBe(JSON.stringify(whole));
  });

  it.each([1, 2, 3])('an engine restored from state that lists news in arrival order (as written before) makes the same signals (seed %i)', (seed) => {
    const inputs = dataset(seed);
    const whole = run(rules, inputs).signals.filter((s) => Number.isFinite(s.ts));
    const first = new SignalEngine(SignalRules.parse(rules));
    const cut = Math.floor(inputs.length * (0.3 + seed / 10));
    const signals = inputs.slice(0, cut).flatMap((i) => first.push(i).signals);
    const changelog = new Map<string, unknown>();
    for (const k of first.takeDirty()) {
      const v = JSON.parse(JSON.stringify(first.snapshot(k))) as { news?: unknown[] } | null;
      if (v?.news) v.news.reverse();
      if (v !== null) changelog.set(k, v);
    }
    expect([...changelog.values()].some((v) => ((v as { news?: unknown[] }).news?.length ?? 0) > 1)).toBe(true);
    const second = new SignalEngine(SignalRules.parse(rules));
    second.restore(changelog);
    signals.push(...inputs.slice(cut).flatMap((i) => second.push(i).signals), ...second.flush());
    expect(JSON.stringify(signals)).toBe(JSON.stringify(whole));
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('replays, in order or shuffled within the lateness, give identical signals (seed %i)', (seed) => {
    const ordered = dataset(seed);
    const first = run(rules, ordered);
    const again = run(rules, ordered);
    // Arrival spread below the lateness (4 min < 5 min): legal, nothing is refused.
    const shuffled = run(rules, shuffleWithinLateness(ordered, 4 * MIN, seed * 7919));
    expect(first.signals.length).toBeGreaterThan(3);
    expect(JSON.stringify(again.signals)).toBe(JSON.stringify(first.signals));
    expect(shuffled.engine.stats.late).toBe(0);
    expect(JSON.stringify(shuffled.signals)).toBe(JSON.stringify(first.signals));
  });
});
