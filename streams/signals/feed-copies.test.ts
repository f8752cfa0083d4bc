import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFeed } from '../../connectors/rss/parse-feed.ts';
import type { NewsRaw } from '../../schemas/records.ts';
import { analyze, classified } from '../classify/analyze.ts';
import { TickerExtractor } from '../classify/tickers/extract-tickers.ts';
import { loadSymbolDirectory } from '../classify/tickers/symbol-directory.ts';
import { SignalRules } from './config.ts';
import { SignalEngine } from './engine.ts';
import { eventTimeOf, type CandleInput, type EngineInput, type NewsInput } from './inputs.ts';
import { newsInput } from './to-input.ts';

// The engine on real headlines with copies: samples/news/apple-2020.rss and the markets desk
// that republishes some of them (streams/story/fixtures/), classified as classify does (tickers,
// story key; a fixed sentiment, so the test speaks about counting), with a 5-minute bar after
// each item. Every Apple story the desk copied counts once: its copy is in the signal's
// `copies`, never beside its original in `news`.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MIN = 60_000;
const tickers = new TickerExtractor(loadSymbolDirectory());
const titles = new Map<string, string>();
let news: NewsInput[] = [];

async function feed(path: string): Promise<NewsInput[]> {
  const { items } = await parseFeed(readFileSync(join(ROOT, path)), null, Date.UTC(2030, 0, 1));
  return items.map((i) => {
    const raw: NewsRaw = { event_uid: i.eventUid, published_at: i.publishedAt, source: path, title: i.title, link: i.link, summary: i.summary, fetched_at: i.publishedAt! + MIN };
    titles.set(raw.event_uid, `${path.split('/').pop()}: ${raw.title}`);
    return newsInput(classified(raw, analyze(raw, tickers), { label: 'positive', score: 0.9 }, 'fixed@1', raw.fetched_at)) as NewsInput;
  });
}

function barsAfter(items: readonly NewsInput[]): CandleInput[] {
  const starts = new Set(items.flatMap((n) => [0, 1, 2].map((k) => Math.floor(n.eventTime / (5 * MIN)) * 5 * MIN + k * 5 * MIN)));
  return [...starts].map((ts) => ({ kind: 'candle', ticker: 'AAPL', ts, intervalMs: 5 * MIN, close: 100, volume: 1000 }));
}

function signalsOf(rules: Partial<SignalRules>) {
  const engine = new SignalEngine(SignalRules.parse({ halfLifeMinutes: 30, horizonHalfLives: 2, buyThreshold: 0.1, cooldownMinutes: 0, ...rules }));
  const inputs: EngineInput[] = [...news, ...barsAfter(news)].sort((a, b) => eventTimeOf(a) - eventTimeOf(b) || (a.kind === b.kind ? 0 : a.kind === 'candle' ? -1 : 1));
  const signals = [...inputs.flatMap((i) => engine.push(i).signals), ...engine.flush()];
  expect(engine.stats.late).toBe(0);
  return signals.map((s) => JSON.parse(s.reason) as { news: Array<{ event_uid: string }>; copies?: Array<{ event_uid: string; copy_of: string }> });
}

beforeAll(async () => {
  news = [...(await feed('samples/news/apple-2020.rss')), ...(await feed('streams/story/fixtures/markets-desk.rss'))];
});

describe('Apple stories a second feed republished', () => {
  it('count once: each copy is left out, naming its original', () => {
    const copies = new Map<string, string>();
    for (const reason of signalsOf({})) {
      const counted = new Set(reason.news.map((n) => n.event_uid));
      for (const c of reason.copies ?? []) {
        expect(counted.has(c.event_uid)).toBe(false);
        copies.set(titles.get(c.event_uid)!, titles.get(c.copy_of)!);
      }
    }
    // Not here: "UPDATE 1-Apple shares fall before the bell …". Ticker extraction does not take
    // "Apple" right after "1-" for the company, so that copy is about no ticker and counts nowhere.
    expect(Object.fromEntries(copies)).toEqual({
      'markets-desk.rss: Apple gains 3.4% on its first day of split-adjusted trading (Reuters)': 'apple-2020.rss: Apple gains 3.4% on its first day of split-adjusted trading',
      "markets-desk.rss: Apple's iPhone revenue falls 21 percent as new models ship later than usual": "apple-2020.rss: Apple's iPhone revenue falls 21% as the new models ship later than usual",
      'markets-desk.rss: Apple Reports Record September-Quarter Revenue Of $64.7bn As Mac And Services Set Records': 'apple-2020.rss: Apple reports record September-quarter revenue of $64.7 billion as Mac and services set records',
      'markets-desk.rss: Apple sinks 8 percent, its worst day since March, as tech sell-off drags the Nasdaq down 5 percent - MarketWatch': 'apple-2020.rss: Apple sinks 8%, its worst day since March, as a tech sell-off drags the Nasdaq down 5%',
    });
  });

  it('count every time without story dedupe (storyWindowMinutes 0)', () => {
    const reasons = signalsOf({ storyWindowMinutes: 0 });
    expect(reasons.some((r) => r.copies)).toBe(false);
    const counted = new Set(reasons.flatMap((r) => r.news.map((n) => titles.get(n.event_uid)!)));
    expect([...counted].filter((t) => t.startsWith('markets-desk.rss: ') && /Apple/.test(t)).length).toBe(5);
  });
});
