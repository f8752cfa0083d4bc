import type { Kafka } from 'kafkajs';
import { AvroCodec } from '../../core/avro-codec.ts';
import type { ConnectionsConfig } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';
import { createKafka } from '../../core/kafka.ts';
import { createRegistry } from '../../core/registry.ts';
import { topicName } from '../../schemas/catalog.ts';
import type { Interval } from '../../schemas/intervals.ts';
import type { Candle, NewsClassified, NewsRaw, Signal } from '../../schemas/records.ts';
import type { SignalRules } from '../signals/config.ts';
import { likelyCauses } from './causes.ts';
import { sameDecision, signalDifferences, type Difference } from './compare.ts';
import { SignalNotFoundError } from './errors.ts';
import { findSignal } from './find-signal.ts';
import { keyPartition } from './key-partition.ts';
import { latestClassification } from './latest-classification.ts';
import { readTickerBars } from './read-bars.ts';
import { partitionCount, type Located, type Position } from './read-located.ts';
import { readRawNews, readTickerNews } from './read-news.ts';
import { parseReason, type SignalReason } from './reason.ts';
import { rederive } from './rederive.ts';
import { newsWeight } from './weights.ts';
import { explainWindow } from './window.ts';

// One signal explained from the topics: its record, every news item it used (with where its
// news.classified and news.raw records are), its bar and the lookback bars, the rules — and the
// decision derived again from those records by a fresh engine with the configured rules,
// compared with the stored one. Nothing is written anywhere.

export interface ExplainOptions {
  connections: ConnectionsConfig;
  prefix: string;
  candleInterval: Interval;
  /** The rules in effect (config signals.rules). */
  rules: SignalRules;
  signalId: string;
  /** The signal's ticker, if known: one partition of the signals topic is read. */
  ticker?: string;
  /** Another topic to find the signal in (a replay's); `<prefix>signals` by default. */
  signalsTopic?: string;
}

export interface ExplainedNews {
  event_uid: string;
  /** As the signal's reason records it. */
  label: string;
  score: number;
  event_time: string;
  age_minutes: number;
  weight: number;
  contribution: number;
  /** The item's classification the engine counts (null: not in the topic any more). */
  classified:
    | (Position & {
        title: string;
        source: string | null;
        link: string | null;
        published_at: string | null;
        fetched_at: string;
        model_version: string;
        label: string;
        score: number;
        event_type: string | null;
        urgency: string | null;
        classified_at: string;
        /** Records of this item in the topic (more than 1: classified again). */
        records: number;
      })
    | null;
  raw: (Position & { title: string; source: string | null; published_at: string | null; fetched_at: string }) | null;
}

export interface ExplainedBar extends Position {
  ts: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number | null;
}

export interface Explanation {
  signal: {
    signal_id: string;
    ticker: string;
    action: 'BUY' | 'SELL';
    confidence: number;
    ts: string;
    /** The newest status (the executor's updates follow the decision). */
    status: Signal['status'];
    at: Position;
    reason: SignalReason;
    updates: Array<Position & { status: Signal['status']; executed_at: string | null; filled_price: number | null; shares: number | null }>;
  };
  rules: { recorded: { threshold: number; half_life_minutes: number }; config: SignalRules };
  news: ExplainedNews[];
  copies: Array<{ event_uid: string; copy_of: string; title: string | null; at: Position | null }>;
  bars: { topic: string; interval: Interval; signal: ExplainedBar | null; lookback: ExplainedBar[] };
  window: { news_from: string; bar_end: string };
  rederived: {
    matches: boolean;
    /** The engine's signal with the same id, else the one it makes at the same bar, else null. */
    signal: (Omit<Signal, 'reason'> & { reason: unknown }) | null;
    differences: Difference[];
    causes: string[];
  };
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const at = (l: Position): Position => ({ topic: l.topic, partition: l.partition, offset: l.offset });

async function requireTopics(kafka: Kafka, prefixed: string[], signalsTopic: string | undefined): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics().finally(() => admin.disconnect()));
  if (signalsTopic !== undefined && !existing.has(signalsTopic)) throw new ConfigError(`${signalsTopic} does not exist`, '--signals-topic');
  const missing = prefixed.filter((t) => !existing.has(t));
  if (missing.length) throw new ConfigError(`${missing.join(', ')} do(es) not exist: check --topic-prefix`, 'topics.prefix');
}

function explainedBar(c: Located<Candle>): ExplainedBar {
  const { ts, open, high, low, close, volume } = c.record;
  return { ...at(c), ts: iso(ts)!, open, high, low, close, volume };
}

function explainedNews(item: SignalReason['news'][number], records: Array<Located<NewsClassified>>, raw: Located<NewsRaw> | undefined, barEnd: number, halfLife: number): ExplainedNews {
  const eventTime = Date.parse(item.event_time);
  const w = newsWeight({ label: item.label, score: item.score, eventTime }, barEnd, halfLife);
  const latest = latestClassification(records);
  const n = latest?.record;
  return {
    event_uid: item.event_uid,
    label: item.label,
    score: item.score,
    event_time: item.event_time,
    age_minutes: w.ageMinutes,
    weight: w.weight,
    contribution: w.contribution,
    classified:
      latest && n
        ? {
            ...at(latest),
            title: n.title,
            source: n.source,
            link: n.link,
            published_at: iso(n.published_at),
            fetched_at: iso(n.fetched_at)!,
            model_version: n.model_version,
            label: n.sentiment_label,
            score: n.sentiment_score,
            event_type: n.event_type,
            urgency: n.urgency,
            classified_at: iso(n.classified_at)!,
            records: records.length,
          }
        : null,
    raw: raw ? { ...at(raw), title: raw.record.title, source: raw.record.source, published_at: iso(raw.record.published_at), fetched_at: iso(raw.record.fetched_at)! } : null,
  };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export async function explainSignal(o: ExplainOptions): Promise<Explanation> {
  const kafka = createKafka(o.connections.kafka, 'explain');
  const codec = new AvroCodec(createRegistry(o.connections.registry));
  const topics = {
    signals: o.signalsTopic ?? topicName('signals', o.prefix),
    newsClassified: topicName('newsClassified', o.prefix),
    newsRaw: topicName('newsRaw', o.prefix),
    candles: topicName('marketCandles', o.prefix),
  };
  await requireTopics(kafka, [...(o.signalsTopic === undefined ? [topics.signals] : []), topics.newsClassified, topics.newsRaw, topics.candles], o.signalsTopic);

  const found = await findSignal(kafka, codec, topics.signals, o.signalId, o.ticker);
  if (!found) {
    const where = o.ticker === undefined ? topics.signals : `${topics.signals} partition ${keyPartition(topics.signals, o.ticker, await partitionCount(kafka, topics.signals))} (the partition of ticker ${o.ticker})`;
    throw new SignalNotFoundError(o.signalId, where);
  }
  const stored = found.decision.record;
  const reason = parseReason(stored.reason, at(found.decision));
  const barEnd = stored.ts;
  const barTs = Date.parse(reason.bar.ts);
  const used = new Set(reason.news.map((n) => n.event_uid));
  const earliestNewsTime = reason.news.length ? Math.min(...reason.news.map((n) => Date.parse(n.event_time))) : null;
  const window = explainWindow(barEnd, o.rules, { halfLifeMinutes: reason.half_life_minutes, earliestNewsTime });

  const news = await readTickerNews(kafka, codec, topics.newsClassified, stored.ticker, window, new Set([...used, ...(reason.copies ?? []).map((c) => c.event_uid)]));
  const raw = await readRawNews(kafka, codec, topics.newsRaw, [...used], earliestNewsTime ?? window.newsFrom);
  const bars = await readTickerBars(kafka, codec, topics.candles, stored.ticker, window, Math.max(o.rules.lookbackBars, reason.lookback_bars), o.candleInterval);

  const byUid = new Map<string, Array<Located<NewsClassified>>>();
  for (const n of news) (byUid.get(n.record.event_uid) ?? byUid.set(n.record.event_uid, []).get(n.record.event_uid)!).push(n);
  // The latest record of each bar start (a revised bar replaces the first, as in the engine).
  const barAt = new Map<number, Located<Candle>>();
  for (const b of bars) barAt.set(b.record.ts, b);
  const barsBefore = [...barAt.values()].filter((b) => b.record.ts < barTs).sort((a, b) => a.record.ts - b.record.ts);
  const signalBar = barAt.get(barTs) ?? null;

  // The decision derived again, with the configured rules, and — when they differ from what the
  // reason records — with the recorded threshold and half-life, to tell changed rules from the rest.
  const deriveAll = (rules: SignalRules) => rederive(stored.ticker, news.map((n) => n.record), bars.map((b) => b.record), rules, o.candleInterval, barEnd);
  const atBar = (signals: Signal[]) => signals.find((s) => s.signal_id === stored.signal_id) ?? signals.find((s) => s.ts === barEnd && s.ticker === stored.ticker) ?? null;
  const derive = (rules: SignalRules) => atBar(deriveAll(rules));
  const derivedAll = deriveAll(o.rules);
  const derived = atBar(derivedAll);
  const matches = derived !== null && sameDecision(stored, derived);
  const thresholdKey = stored.action === 'BUY' ? 'buyThreshold' : 'sellThreshold';
  const rulesRecorded = o.rules[thresholdKey] === reason.threshold && o.rules.halfLifeMinutes === reason.half_life_minutes;
  let causes: string[] = [];
  if (!matches) {
    let matchesWithRecordedRules: boolean | null = null;
    if (!rulesRecorded) {
      const withRecorded = derive({ ...o.rules, [thresholdKey]: reason.threshold, halfLifeMinutes: reason.half_life_minutes });
      matchesWithRecordedRules = withRecorded !== null && sameDecision(stored, withRecorded);
    }
    const derivedNews = derived ? (JSON.parse(derived.reason) as SignalReason).news : [];
    causes = likelyCauses({
      action: stored.action,
      barEnd,
      recorded: { threshold: reason.threshold, halfLifeMinutes: reason.half_life_minutes },
      rules: o.rules,
      newsTopic: topics.newsClassified,
      candlesTopic: topics.candles,
      missingNews: [...used].filter((uid) => !byUid.has(uid)),
      reclassified: reason.news.flatMap((item) => {
        const n = latestClassification(byUid.get(item.event_uid) ?? [])?.record;
        if (!n || (n.sentiment_label === item.label && round6(n.sentiment_score) === item.score)) return [];
        return [{ eventUid: item.event_uid, used: { label: item.label, score: item.score }, now: { label: n.sentiment_label, score: n.sentiment_score, modelVersion: n.model_version } }];
      }),
      extraNews: derivedNews.filter((n) => !used.has(n.event_uid)).map((n) => ({ eventUid: n.event_uid, classifiedAt: latestClassification(byUid.get(n.event_uid) ?? [])?.record.classified_at ?? barEnd })),
      barMissing: signalBar === null,
      heldBackBy: derived ? null : (derivedAll.filter((s) => s.action === stored.action && s.ts < barEnd && barEnd - s.ts < o.rules.cooldownMinutes * 60_000).at(-1)?.ts ?? null),
      lookbackBars: { stored: reason.lookback_bars, derived: Math.min(o.rules.lookbackBars, barsBefore.length) },
      matchesWithRecordedRules,
    });
  }

  const titleOf = (uid: string) => latestClassification(byUid.get(uid) ?? []);
  return {
    signal: {
      signal_id: stored.signal_id,
      ticker: stored.ticker,
      action: stored.action,
      confidence: stored.confidence,
      ts: iso(stored.ts)!,
      status: found.updates.at(-1)?.record.status ?? stored.status,
      at: at(found.decision),
      reason,
      updates: found.updates.map((u) => ({ ...at(u), status: u.record.status, executed_at: iso(u.record.executed_at), filled_price: u.record.filled_price, shares: u.record.shares })),
    },
    rules: { recorded: { threshold: reason.threshold, half_life_minutes: reason.half_life_minutes }, config: o.rules },
    news: reason.news.map((item) => explainedNews(item, byUid.get(item.event_uid) ?? [], raw.get(item.event_uid), barEnd, reason.half_life_minutes)),
    copies: (reason.copies ?? []).map((c) => {
      const l = titleOf(c.event_uid);
      return { event_uid: c.event_uid, copy_of: c.copy_of, title: l?.record.title ?? null, at: l ? at(l) : null };
    }),
    bars: { topic: topics.candles, interval: o.candleInterval, signal: signalBar ? explainedBar(signalBar) : null, lookback: reason.lookback_bars ? barsBefore.slice(-reason.lookback_bars).map(explainedBar) : [] },
    window: { news_from: iso(window.newsFrom)!, bar_end: iso(barEnd)! },
    rederived: {
      matches,
      signal: derived ? { ...derived, reason: JSON.parse(derived.reason) } : null,
      differences: matches ? [] : derived ? signalDifferences(stored, derived) : [{ field: 'signal', stored: stored.signal_id }],
      causes,
    },
  };
}
