// TypeScript shapes of the topic values, as @kafkajs/confluent-schema-registry (avsc)
// encodes and decodes them: timestamp-millis fields are epoch milliseconds (numbers).

export interface NewsRaw {
  event_uid: string;
  published_at: number | null;
  source: string | null;
  title: string;
  link: string | null;
  summary: string | null;
  fetched_at: number;
}

export interface FeedState {
  feed_url: string;
  etag: string | null;
  last_modified: string | null;
  last_seen_published: number | null;
  updated_at: number;
  seen_event_uids: string[];
  // Added later with null defaults. A record written before them decodes (with its writer's
  // schema) without them: readers fill them in (feed-state-store.ts). Writers must set them:
  // the registry hands out canonical schemas, which carry no defaults.
  moved_to: string | null;
  earliest_poll_at: number | null;
  newest_item_at: number | null;
}

export interface NewsClassified {
  event_uid: string;
  event_time: number;
  published_at: number | null;
  fetched_at: number;
  title: string;
  source: string | null;
  link: string | null;
  tickers: string[];
  sentiment_label: string;
  sentiment_score: number;
  event_type: string | null;
  urgency: string | null;
  model_version: string;
  classified_at: number;
  /**
   * Null when the producer did not compute it. Absent, despite the type, from a record written
   * before the field existed, as decoded with its writer's schema (signals' by-ticker stage fills
   * it in before writing the record again).
   */
  story_key: string | null;
}

export interface Candle {
  ticker: string;
  ts: number;
  interval: string;
  open: number;
  high: number;
  low: number;
  close: number;
  adjclose: number | null;
  volume: number | null;
  source: string;
}

export interface Signal {
  signal_id: string;
  ts: number;
  ticker: string;
  action: 'BUY' | 'SELL';
  confidence: number;
  reason: string;
  status: 'PENDING' | 'EXECUTED' | 'CANCELLED';
  executed_at: number | null;
  filled_price: number | null;
  shares: number | null;
}

export interface TopicRecords {
  newsRaw: NewsRaw;
  feedsState: FeedState;
  newsClassified: NewsClassified;
  marketCandles: Candle;
  signals: Signal;
}
