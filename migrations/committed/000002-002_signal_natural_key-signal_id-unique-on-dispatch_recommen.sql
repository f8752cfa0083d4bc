--! Previous: sha1:e02a3b58c95d5a613456135f7bae06564c463722
--! Hash: sha1:c71695231ea2b6561146410efdc3df19a237bec2
--! Message: 002_signal_natural_key: signal_id unique on dispatch_recommendations

-- A natural key for dispatch_recommendations, so that the sink's upserts are idempotent:
-- the signals topic carries a deterministic signal_id (a hash of the signal's inputs), and a
-- replayed or redelivered signal (or its later status update) lands on the same row.
-- Nullable so rows written by other tools keep working; a unique index allows many NULLs.
ALTER TABLE dispatch_recommendations ADD COLUMN IF NOT EXISTS signal_id TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS uq_recommendations_signal_id ON dispatch_recommendations (signal_id);

INSERT INTO schema_migrations (version) VALUES ('002_signal_natural_key') ON CONFLICT (version) DO NOTHING;
