import type { NewsClassified, NewsRaw } from '../../schemas/records.ts';
import { eventType } from './rules/event-type.ts';
import { urgency } from './rules/urgency.ts';
import type { SentimentResult } from './sentiment.ts';
import { newsEventTime } from '../../schemas/news-event-time.ts';
import { storyKey } from '../story/story-key.ts';
import type { TickerExtractor } from './tickers/extract-tickers.ts';

// Everything about a news item but its sentiment: rules, so they run per item, while the
// model runs per batch. The headline carries the sentiment; tickers and the event type
// may be named in the summary too. The story key is the headline's alone: outlets that
// republish a wire story keep its headline (nearly), not its summary.

export interface Analysis {
  tickers: string[];
  eventType: string;
  urgency: string;
}

export function analyze(raw: Pick<NewsRaw, 'title' | 'summary'>, tickers: TickerExtractor): Analysis {
  const text = raw.summary ? `${raw.title}\n${raw.summary}` : raw.title;
  return { tickers: tickers.extract(text), eventType: eventType(raw.title) === 'other' ? eventType(text) : eventType(raw.title), urgency: urgency(raw.title) };
}

export function classified(raw: NewsRaw, a: Analysis, s: SentimentResult, modelVersion: string, classifiedAt: number): NewsClassified {
  return {
    event_uid: raw.event_uid,
    event_time: newsEventTime(raw.published_at, raw.fetched_at),
    published_at: raw.published_at,
    fetched_at: raw.fetched_at,
    title: raw.title,
    source: raw.source,
    link: raw.link,
    tickers: a.tickers,
    sentiment_label: s.label,
    sentiment_score: Math.round(s.score * 1e6) / 1e6,
    event_type: a.eventType,
    urgency: a.urgency,
    model_version: modelVersion,
    classified_at: classifiedAt,
    story_key: storyKey(raw.title),
  };
}
