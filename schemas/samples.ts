import type { TopicId } from './catalog.ts';
import type { TopicRecords } from './records.ts';

// One realistic record per topic, typed by records.ts: the unit tests check each against its
// .avsc (so the TypeScript shapes and the schemas cannot drift apart) and the integration
// test sends each through Kafka and the registry. Non-ASCII text on purpose.

export const SAMPLES: { readonly [K in TopicId]: TopicRecords[K] } = {
  newsRaw: {
    event_uid: 'a'.repeat(64),
    published_at: Date.UTC(2024, 0, 2, 14, 30),
    source: 'https://example.org/feed.xml',
    title: 'Apple beats estimates — shares jump 5% €',
    link: 'https://example.org/a',
    summary: null,
    fetched_at: Date.UTC(2024, 0, 2, 14, 31),
  },
  feedsState: {
    feed_url: 'https://example.org/feed.xml',
    etag: '"abc"',
    last_modified: 'Tue, 02 Jan 2024 14:30:00 GMT',
    last_seen_published: Date.UTC(2024, 0, 2, 14, 30),
    updated_at: Date.UTC(2024, 0, 2, 14, 31),
    seen_event_uids: ['a'.repeat(64), 'b'.repeat(64)],
    moved_to: 'https://example.org/news/feed.xml',
    earliest_poll_at: Date.UTC(2024, 0, 2, 15, 31),
    newest_item_at: Date.UTC(2024, 0, 2, 14, 30),
  },
  newsClassified: {
    event_uid: 'a'.repeat(64),
    event_time: Date.UTC(2024, 0, 2, 14, 30),
    published_at: Date.UTC(2024, 0, 2, 14, 30),
    fetched_at: Date.UTC(2024, 0, 2, 14, 31),
    title: 'Apple beats estimates',
    source: null,
    link: null,
    tickers: ['AAPL'],
    sentiment_label: 'positive',
    sentiment_score: 0.93,
    event_type: 'earnings',
    urgency: 'breaking',
    model_version: 'compact-finsent@abc123',
    classified_at: Date.UTC(2024, 0, 2, 14, 32),
    story_key: '796fd329777ab4699cfc2efeab3ec456acf13bcc299516b46e6b7693d0df1349',
  },
  marketCandles: {
    ticker: 'AAPL',
    ts: Date.UTC(2024, 0, 2, 14, 30),
    interval: '1m',
    open: 185.1,
    high: 185.5,
    low: 184.9,
    close: 185.3,
    adjclose: null,
    volume: 123456,
    source: 'yahoo',
  },
  signals: {
    signal_id: 'c'.repeat(64),
    ts: Date.UTC(2024, 0, 2, 14, 35),
    ticker: 'AAPL',
    action: 'BUY',
    confidence: 0.71,
    reason: JSON.stringify({ rule: 'sentiment_momentum', event_uids: ['a'.repeat(64)] }),
    status: 'PENDING',
    executed_at: null,
    filled_price: null,
    shares: null,
  },
};

/**
 * The same records with every field that records.ts lets be null set to null. The unit tests
 * check that exactly these fields are nullable in the .avsc, so nullability cannot drift either.
 */
export const NULLED: { readonly [K in TopicId]: TopicRecords[K] } = {
  newsRaw: { ...SAMPLES.newsRaw, published_at: null, source: null, link: null, summary: null },
  feedsState: { ...SAMPLES.feedsState, etag: null, last_modified: null, last_seen_published: null, moved_to: null, earliest_poll_at: null, newest_item_at: null },
  newsClassified: { ...SAMPLES.newsClassified, published_at: null, source: null, link: null, event_type: null, urgency: null, story_key: null },
  marketCandles: { ...SAMPLES.marketCandles, adjclose: null, volume: null },
  signals: { ...SAMPLES.signals, executed_at: null, filled_price: null, shares: null },
};
