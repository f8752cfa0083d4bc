import { TOPICS, type TopicId } from '../../schemas/catalog.ts';
import { ACTIONS, candleProblem, SENTIMENT_LABELS, STATUSES } from '../../schemas/record-checks.ts';
import type { Candle, FeedState, NewsClassified, NewsRaw, Signal, TopicRecords } from '../../schemas/records.ts';
import type { PgType } from './pg-type.ts';

// The declared mapping from each topic to its table: the stage columns (with the value
// each takes from the record), the natural key, checks a row must pass before staging
// (the table's NOT NULL and CHECK rules), and the upsert statements run after COPY.

export interface StageColumn<R> {
  name: string;
  type: PgType;
  value: (r: R) => unknown;
  /** NOT NULL in the target table. */
  required?: boolean;
  /** CHECK (col IN (...)) in the target table. */
  oneOf?: readonly string[];
}

export interface TableMapping<K extends TopicId> {
  topic: K;
  table: string;
  /** The natural key: within one batch only the last record per key is staged. */
  key: (r: TopicRecords[K]) => string;
  columns: ReadonlyArray<StageColumn<TopicRecords[K]>>;
  /** SQL run after the stage is filled; `$stage` is replaced by the stage table's name. */
  upsert: readonly string[];
  /**
   * The upsert, for keys the table does not hold yet, inserts the staged columns as they are:
   * a batch of only new keys may then be copied straight into the table (table-writer.ts).
   */
  newKeysCopyAsIs?: true;
  /** What the table's rules cannot say: why the record is not a row of this deployment, else null. */
  recordProblem?: (r: TopicRecords[K], deployment: SinkDeployment) => string | null;
}

/** The deployment's settings a row check needs. */
export interface SinkDeployment {
  candleInterval: string;
}


/** INSERT … SELECT … ON CONFLICT (key) DO UPDATE of the listed columns. */
function upsertStatement(table: string, columns: readonly string[], conflict: readonly string[], update: readonly string[]): string {
  const cols = columns.join(', ');
  const set = update.map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  return `INSERT INTO ${table} AS t (${cols}) SELECT ${cols} FROM $stage ON CONFLICT (${conflict.join(', ')}) DO UPDATE SET ${set}`;
}

const newsRaw: TableMapping<'newsRaw'> = {
  topic: 'newsRaw',
  table: 'inbound_events_raw',
  key: (r: NewsRaw) => r.event_uid,
  columns: [
    { name: 'event_uid', type: 'text', value: (r) => r.event_uid, required: true },
    { name: 'published_at', type: 'timestamptz', value: (r) => r.published_at },
    { name: 'source', type: 'text', value: (r) => r.source },
    { name: 'title', type: 'text', value: (r) => r.title, required: true },
    { name: 'link', type: 'text', value: (r) => r.link },
    { name: 'summary', type: 'text', value: (r) => r.summary },
    { name: 'fetched_at', type: 'timestamptz', value: (r) => r.fetched_at },
  ],
  // processed_at is the classifier's: a raw record (first or replayed) never clears it.
  newKeysCopyAsIs: true,
  upsert: [
    upsertStatement(
      'inbound_events_raw',
      ['event_uid', 'published_at', 'source', 'title', 'link', 'summary', 'fetched_at'],
      ['event_uid'],
      ['published_at', 'source', 'title', 'link', 'summary', 'fetched_at'],
    ),
  ],
};

const feedsState: TableMapping<'feedsState'> = {
  topic: 'feedsState',
  table: 'feed_state',
  key: (r: FeedState) => r.feed_url,
  columns: [
    { name: 'feed_url', type: 'text', value: (r) => r.feed_url, required: true },
    { name: 'etag', type: 'text', value: (r) => r.etag },
    { name: 'last_modified', type: 'text', value: (r) => r.last_modified },
    { name: 'last_seen_published', type: 'timestamptz', value: (r) => r.last_seen_published },
    { name: 'updated_at', type: 'timestamptz', value: (r) => r.updated_at },
  ],
  newKeysCopyAsIs: true,
  upsert: [
    upsertStatement(
      'feed_state',
      ['feed_url', 'etag', 'last_modified', 'last_seen_published', 'updated_at'],
      ['feed_url'],
      ['etag', 'last_modified', 'last_seen_published', 'updated_at'],
    ),
  ],
};

// A classified record carries its raw item's title, source, link and times. When it
// arrives before its news.raw record, the raw row is created from them (processed), and
// the raw record, when it comes, fills the rest (summary) without touching processed_at.
// Either order ends in the same rows.
const newsClassified: TableMapping<'newsClassified'> = {
  topic: 'newsClassified',
  table: 'inbound_events_classified',
  key: (r: NewsClassified) => r.event_uid,
  columns: [
    { name: 'event_uid', type: 'text', value: (r) => r.event_uid, required: true },
    { name: 'published_at', type: 'timestamptz', value: (r) => r.published_at },
    { name: 'fetched_at', type: 'timestamptz', value: (r) => r.fetched_at },
    { name: 'title', type: 'text', value: (r) => r.title, required: true },
    { name: 'source', type: 'text', value: (r) => r.source },
    { name: 'link', type: 'text', value: (r) => r.link },
    { name: 'tickers', type: 'text[]', value: (r) => r.tickers },
    { name: 'sentiment_label', type: 'text', value: (r) => r.sentiment_label, required: true, oneOf: SENTIMENT_LABELS },
    { name: 'sentiment_score', type: 'float8', value: (r) => r.sentiment_score, required: true },
    { name: 'event_type', type: 'text', value: (r) => r.event_type },
    { name: 'urgency', type: 'text', value: (r) => r.urgency },
    { name: 'classified_at', type: 'timestamptz', value: (r) => r.classified_at },
  ],
  upsert: [
    `INSERT INTO inbound_events_raw AS t (event_uid, published_at, source, title, link, fetched_at, processed_at)
     SELECT event_uid, published_at, source, title, link, fetched_at, classified_at FROM $stage
     ON CONFLICT (event_uid) DO UPDATE SET processed_at = EXCLUDED.processed_at`,
    `INSERT INTO inbound_events_classified AS t (raw_event_id, tickers, sentiment_label, sentiment_score, event_type, urgency, created_at)
     SELECT r.id, s.tickers, s.sentiment_label, s.sentiment_score, s.event_type, s.urgency, s.classified_at
     FROM $stage s JOIN inbound_events_raw r ON r.event_uid = s.event_uid
     ON CONFLICT (raw_event_id) DO UPDATE SET tickers = EXCLUDED.tickers, sentiment_label = EXCLUDED.sentiment_label,
       sentiment_score = EXCLUDED.sentiment_score, event_type = EXCLUDED.event_type, urgency = EXCLUDED.urgency,
       created_at = EXCLUDED.created_at`,
  ],
};

const marketCandles: TableMapping<'marketCandles'> = {
  topic: 'marketCandles',
  table: 'lane_telemetry',
  key: (r: Candle) => `${r.ticker}\u0000${r.ts}`,
  columns: [
    { name: 'ticker', type: 'text', value: (r) => r.ticker, required: true },
    { name: 'ts', type: 'timestamptz', value: (r) => r.ts, required: true },
    { name: 'open', type: 'float8', value: (r) => r.open, required: true },
    { name: 'high', type: 'float8', value: (r) => r.high, required: true },
    { name: 'low', type: 'float8', value: (r) => r.low, required: true },
    { name: 'close', type: 'float8', value: (r) => r.close, required: true },
    { name: 'volume', type: 'int8', value: (r) => r.volume },
  ],
  newKeysCopyAsIs: true,
  upsert: [
    upsertStatement('lane_telemetry', ['ticker', 'ts', 'open', 'high', 'low', 'close', 'volume'], ['ticker', 'ts'], ['open', 'high', 'low', 'close', 'volume']),
  ],
  // A bar no market could trade, or of another interval (whose rows would overwrite this one's).
  recordProblem: (c, d) => candleProblem(c, d.candleInterval),
};

// Status only moves forward: a replayed PENDING never reopens an EXECUTED or CANCELLED row.
const signals: TableMapping<'signals'> = {
  topic: 'signals',
  table: 'dispatch_recommendations',
  key: (r: Signal) => r.signal_id,
  columns: [
    { name: 'signal_id', type: 'text', value: (r) => r.signal_id, required: true },
    { name: 'ts', type: 'timestamptz', value: (r) => r.ts },
    { name: 'ticker', type: 'text', value: (r) => r.ticker, required: true },
    { name: 'action', type: 'text', value: (r) => r.action, oneOf: ACTIONS },
    { name: 'confidence', type: 'float8', value: (r) => r.confidence },
    { name: 'reason', type: 'jsonb', value: (r) => r.reason },
    { name: 'status', type: 'text', value: (r) => r.status, oneOf: STATUSES },
    { name: 'executed_at', type: 'timestamptz', value: (r) => r.executed_at },
    { name: 'filled_price', type: 'float8', value: (r) => r.filled_price },
    { name: 'shares', type: 'float8', value: (r) => r.shares },
  ],
  newKeysCopyAsIs: true,
  upsert: [
    `INSERT INTO dispatch_recommendations AS t (signal_id, ts, ticker, action, confidence, reason, status, executed_at, filled_price, shares)
     SELECT signal_id, ts, ticker, action, confidence, reason, status, executed_at, filled_price, shares FROM $stage
     ON CONFLICT (signal_id) DO UPDATE SET
       ts = EXCLUDED.ts, ticker = EXCLUDED.ticker, action = EXCLUDED.action, confidence = EXCLUDED.confidence, reason = EXCLUDED.reason,
       status = CASE WHEN t.status <> 'PENDING' AND EXCLUDED.status = 'PENDING' THEN t.status ELSE EXCLUDED.status END,
       executed_at = COALESCE(EXCLUDED.executed_at, t.executed_at),
       filled_price = COALESCE(EXCLUDED.filled_price, t.filled_price),
       shares = COALESCE(EXCLUDED.shares, t.shares)`,
  ],
};

export const MAPPINGS: { [K in TopicId]: TableMapping<K> } = { newsRaw, feedsState, newsClassified, marketCandles, signals };

export function mappingFor<K extends TopicId>(id: K): TableMapping<K> {
  const m = MAPPINGS[id];
  if (m.table !== TOPICS[id].table) throw new Error(`mapping of ${id} targets ${m.table}, catalog says ${TOPICS[id].table}`);
  return m;
}

/** The largest time a JS Date holds, in ms either side of 1970 (NaN fails the comparison too). */
const MAX_TIME_MS = 8.64e15;

/** The reason a record cannot become a row (the table would refuse it), or null. */
export function rowProblem<K extends TopicId>(mapping: TableMapping<K>, record: TopicRecords[K], deployment: SinkDeployment): string | null {
  for (const col of mapping.columns) {
    const v = col.value(record);
    if (v === null || v === undefined) {
      if (col.required) return `${mapping.table}.${col.name} is required (NOT NULL) but the record has none`;
      continue;
    }
    if (col.oneOf && !col.oneOf.includes(v as string)) return `${mapping.table}.${col.name} = ${JSON.stringify(v)} is not one of ${col.oneOf.join(', ')}`;
    if ((col.type === 'float8' || col.type === 'int8') && !Number.isFinite(v as number)) return `${mapping.table}.${col.name} = ${String(v)} is not a finite number`;
    if (col.type === 'timestamptz' && !(Math.abs(v as number) <= MAX_TIME_MS)) return `${mapping.table}.${col.name} is not a valid time`;
    if (col.type === 'jsonb') {
      try {
        JSON.parse(v as string);
      } catch {
        return `${mapping.table}.${col.name} is not valid JSON`;
      }
    }
    if (col.type === 'text' && (v as string).includes('\u0000')) return `${mapping.table}.${col.name} contains a NUL character`;
  }
  const problem = mapping.recordProblem?.(record, deployment);
  return problem ? `${mapping.table}: ${problem}` : null;
}
