--! Previous: sha1:c71695231ea2b6561146410efdc3df19a237bec2
--! Hash: sha1:ef0459ef029c888eecd657e5a9a1c31b2e25fee5
--! Message: 003_sink_offsets: the sink's written-up-to offsets, fenced per partition

-- Where the sink has written up to, per consumer group and partition, kept beside the rows
-- and updated in the same transaction as them. A sink instance that lost its partition in a
-- rebalance may still be finishing an old batch; it finds a later position here and writes
-- nothing, so an older value can never overwrite a newer one. In its own schema: the
-- original system's tables in `public` stay exactly as they were.
CREATE SCHEMA IF NOT EXISTS ops_pipeline;
CREATE TABLE IF NOT EXISTS ops_pipeline.sink_offsets (
  group_id    TEXT        NOT NULL,
  topic       TEXT        NOT NULL,
  partition   INTEGER     NOT NULL,
  next_offset BIGINT      NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  PRIMARY KEY (group_id, topic, partition)
);

INSERT INTO schema_migrations (version) VALUES ('003_sink_offsets') ON CONFLICT (version) DO NOTHING;
