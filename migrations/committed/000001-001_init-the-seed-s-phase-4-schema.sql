--! Previous: -
--! Hash: sha1:e02a3b58c95d5a613456135f7bae06564c463722
--! Message: 001_init: the seed's Phase 4 schema

-- The seed's Phase 4 schema (original system, PostgreSQL 16), exactly: tables, columns,
-- types, defaults, constraints and the indexes the document names. IF NOT EXISTS mirrors the
-- seed's own migration ("all CREATE statements use IF NOT EXISTS").

-- Migration record of the original system; every migration of ours records its version.
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    TEXT PRIMARY KEY,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- Raw RSS feed items before classification.
CREATE TABLE IF NOT EXISTS inbound_events_raw (
  id           BIGSERIAL PRIMARY KEY,
  event_uid    TEXT NOT NULL UNIQUE,          -- sha256 of guid/link/title
  published_at TIMESTAMPTZ,                   -- original publish time
  source       TEXT,                          -- feed URL
  title        TEXT NOT NULL,
  link         TEXT,
  summary      TEXT,
  fetched_at   TIMESTAMPTZ DEFAULT NOW(),
  processed_at TIMESTAMPTZ                    -- classification timestamp
);
-- "Find unprocessed items": partial, in fetch order, as the classifier polls them.
CREATE INDEX IF NOT EXISTS idx_inbound_raw_processed ON inbound_events_raw (fetched_at) WHERE processed_at IS NULL;
-- "Sort by publish time" / "Sort by fetch time": newest first.
CREATE INDEX IF NOT EXISTS idx_inbound_raw_published ON inbound_events_raw (published_at DESC);
CREATE INDEX IF NOT EXISTS idx_inbound_raw_fetched ON inbound_events_raw (fetched_at DESC);

-- Sentiment results and extracted tickers; each raw event classified once.
CREATE TABLE IF NOT EXISTS inbound_events_classified (
  id              BIGSERIAL PRIMARY KEY,
  raw_event_id    BIGINT REFERENCES inbound_events_raw(id),
  tickers         TEXT[] DEFAULT '{}',
  sentiment_label TEXT NOT NULL,              -- positive / negative / neutral
  sentiment_score DOUBLE PRECISION NOT NULL,
  event_type      TEXT,
  urgency         TEXT,
  created_at      TIMESTAMPTZ DEFAULT NOW(),
  UNIQUE (raw_event_id)
);
-- "GIN index for array queries": tickers @> ARRAY['AAPL'].
CREATE INDEX IF NOT EXISTS idx_classified_tickers ON inbound_events_classified USING GIN (tickers);
CREATE INDEX IF NOT EXISTS idx_classified_created ON inbound_events_classified (created_at DESC);
CREATE INDEX IF NOT EXISTS idx_classified_sentiment ON inbound_events_classified (sentiment_label);

-- RSS polling state for conditional GETs.
CREATE TABLE IF NOT EXISTS feed_state (
  feed_url            TEXT PRIMARY KEY,
  etag                TEXT,
  last_modified       TEXT,
  last_seen_published TIMESTAMPTZ,
  updated_at          TIMESTAMPTZ DEFAULT NOW()
);

-- Market OHLCV candles.
CREATE TABLE IF NOT EXISTS lane_telemetry (
  ticker TEXT NOT NULL,
  ts     TIMESTAMPTZ NOT NULL,
  open   DOUBLE PRECISION NOT NULL,
  high   DOUBLE PRECISION NOT NULL,
  low    DOUBLE PRECISION NOT NULL,
  close  DOUBLE PRECISION NOT NULL,
  volume BIGINT,
  PRIMARY KEY (ticker, ts)
);
-- "Time-series queries": latest candles of a ticker first.
CREATE INDEX IF NOT EXISTS idx_telemetry_ticker_ts ON lane_telemetry (ticker, ts DESC);

-- Trading signals from the signal engine.
CREATE TABLE IF NOT EXISTS dispatch_recommendations (
  id           BIGSERIAL PRIMARY KEY,
  ts           TIMESTAMPTZ DEFAULT NOW(),
  ticker       TEXT NOT NULL,
  action       TEXT CHECK (action IN ('BUY', 'SELL')),
  confidence   DOUBLE PRECISION,
  reason       JSONB DEFAULT '{}',
  status       TEXT DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'EXECUTED', 'CANCELLED')),
  executed_at  TIMESTAMPTZ,
  filled_price DOUBLE PRECISION,
  shares       DOUBLE PRECISION
);
-- "Find pending recommendations": by status, oldest first.
CREATE INDEX IF NOT EXISTS idx_recommendations_status_ts ON dispatch_recommendations (status, ts);
-- "Per-ticker history": newest first.
CREATE INDEX IF NOT EXISTS idx_recommendations_ticker_ts ON dispatch_recommendations (ticker, ts DESC);
-- "Execution history": executed rows only, newest first.
CREATE INDEX IF NOT EXISTS idx_recommendations_executed ON dispatch_recommendations (executed_at DESC) WHERE executed_at IS NOT NULL;

INSERT INTO schema_migrations (version) VALUES ('001_init') ON CONFLICT (version) DO NOTHING;
