import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../test/database.ts';
import { migrateDatabase } from './migrate.ts';

// The seed's schema, exactly: its six verification queries, verbatim, against a fresh
// database, with their full results; then column-level checks and constraints that bite.

let db: { url: string; drop: () => Promise<void> };
let client: pg.Client;

beforeAll(async () => {
  db = await freshDatabase();
  await migrateDatabase(db.url);
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe("the seed's verification queries", () => {
  it('1. lists all tables', async () => {
    const { rows } = await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename;`);
    expect(rows.map((r) => r.tablename)).toEqual([
      'dispatch_recommendations',
      'feed_state',
      'inbound_events_classified',
      'inbound_events_raw',
      'lane_telemetry',
      'schema_migrations',
    ]);
  });

  it('2. counts rows of every table', async () => {
    const { rows } = await client.query(`SELECT 'inbound_events_raw' as table_name, COUNT(*) as row_count FROM inbound_events_raw
UNION ALL SELECT 'inbound_events_classified', COUNT(*) FROM inbound_events_classified
UNION ALL SELECT 'feed_state', COUNT(*) FROM feed_state
UNION ALL SELECT 'lane_telemetry', COUNT(*) FROM lane_telemetry
UNION ALL SELECT 'dispatch_recommendations', COUNT(*) FROM dispatch_recommendations;`);
    expect(rows).toEqual([
      { table_name: 'inbound_events_raw', row_count: '0' },
      { table_name: 'inbound_events_classified', row_count: '0' },
      { table_name: 'feed_state', row_count: '0' },
      { table_name: 'lane_telemetry', row_count: '0' },
      { table_name: 'dispatch_recommendations', row_count: '0' },
    ]);
  });

  it('3. verifies indexes', async () => {
    const { rows } = await client.query(`SELECT indexname, tablename 
FROM pg_indexes 
WHERE schemaname = 'public' 
ORDER BY tablename, indexname;`);
    expect(rows.map((r) => `${r.tablename}.${r.indexname}`)).toEqual([
      'dispatch_recommendations.dispatch_recommendations_pkey',
      'dispatch_recommendations.idx_recommendations_executed',
      'dispatch_recommendations.idx_recommendations_status_ts',
      'dispatch_recommendations.idx_recommendations_ticker_ts',
      'dispatch_recommendations.uq_recommendations_signal_id',
      'feed_state.feed_state_pkey',
      'inbound_events_classified.idx_classified_created',
      'inbound_events_classified.idx_classified_sentiment',
      'inbound_events_classified.idx_classified_tickers',
      'inbound_events_classified.inbound_events_classified_pkey',
      'inbound_events_classified.inbound_events_classified_raw_event_id_key',
      'inbound_events_raw.idx_inbound_raw_fetched',
      'inbound_events_raw.idx_inbound_raw_processed',
      'inbound_events_raw.idx_inbound_raw_published',
      'inbound_events_raw.inbound_events_raw_event_uid_key',
      'inbound_events_raw.inbound_events_raw_pkey',
      'lane_telemetry.idx_telemetry_ticker_ts',
      'lane_telemetry.lane_telemetry_pkey',
      'schema_migrations.schema_migrations_pkey',
    ]);
  });

  it('4. checks foreign keys', async () => {
    const { rows } = await client.query(`SELECT conname, conrelid::regclass AS table_name, confrelid::regclass AS referenced_table
FROM pg_constraint 
WHERE contype = 'f';`);
    // The query is not limited to `public`: graphile-migrate's own record of migrations
    // (schema graphile_migrate) has one foreign key too.
    expect([...rows].sort((a, b) => a.conname.localeCompare(b.conname))).toEqual([
      { conname: 'inbound_events_classified_raw_event_id_fkey', table_name: 'inbound_events_classified', referenced_table: 'inbound_events_raw' },
      { conname: 'migrations_previous_hash_fkey', table_name: 'graphile_migrate.migrations', referenced_table: 'graphile_migrate.migrations' },
    ]);
  });

  it('5. verifies check constraints', async () => {
    const { rows } = await client.query(`SELECT conname, conrelid::regclass AS table_name, pg_get_constraintdef(oid) AS definition
FROM pg_constraint 
WHERE contype = 'c';`);
    // Nor to tables: every PostgreSQL database has information_schema's two domain checks.
    expect([...rows].sort((a, b) => a.conname.localeCompare(b.conname))).toEqual([
      { conname: 'cardinal_number_domain_check', table_name: '-', definition: 'CHECK ((VALUE >= 0))' },
      {
        conname: 'dispatch_recommendations_action_check',
        table_name: 'dispatch_recommendations',
        definition: "CHECK ((action = ANY (ARRAY['BUY'::text, 'SELL'::text])))",
      },
      {
        conname: 'dispatch_recommendations_status_check',
        table_name: 'dispatch_recommendations',
        definition: "CHECK ((status = ANY (ARRAY['PENDING'::text, 'EXECUTED'::text, 'CANCELLED'::text])))",
      },
      {
        conname: 'yes_or_no_check',
        table_name: '-',
        definition: "CHECK (((VALUE)::text = ANY ((ARRAY['YES'::character varying, 'NO'::character varying])::text[])))",
      },
    ]);
  });

  it('6. checks applied migrations', async () => {
    const { rows } = await client.query(`SELECT * FROM schema_migrations ORDER BY applied_at;`);
    expect(rows.map((r) => r.version)).toEqual(['001_init', '002_signal_natural_key', '003_sink_offsets']);
    expect(Object.keys(rows[0]!)).toEqual(['version', 'applied_at']);
    for (const r of rows) expect(r.applied_at).toBeInstanceOf(Date);
  });
});

describe('columns, indexes and constraints in detail', () => {
  it('every column has the type, default and nullability of the seed', async () => {
    const { rows } = await client.query(`
      SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
      FROM information_schema.columns WHERE table_schema = 'public'
      ORDER BY table_name, ordinal_position`);
    const cols = rows.map((r) => [r.table_name, r.column_name, r.udt_name, r.is_nullable, r.column_default].join(' | '));
    expect(cols).toEqual([
      "dispatch_recommendations | id | int8 | NO | nextval('dispatch_recommendations_id_seq'::regclass)",
      'dispatch_recommendations | ts | timestamptz | YES | now()',
      'dispatch_recommendations | ticker | text | NO | ',
      'dispatch_recommendations | action | text | YES | ',
      'dispatch_recommendations | confidence | float8 | YES | ',
      "dispatch_recommendations | reason | jsonb | YES | '{}'::jsonb",
      "dispatch_recommendations | status | text | YES | 'PENDING'::text",
      'dispatch_recommendations | executed_at | timestamptz | YES | ',
      'dispatch_recommendations | filled_price | float8 | YES | ',
      'dispatch_recommendations | shares | float8 | YES | ',
      'dispatch_recommendations | signal_id | text | YES | ',
      'feed_state | feed_url | text | NO | ',
      'feed_state | etag | text | YES | ',
      'feed_state | last_modified | text | YES | ',
      'feed_state | last_seen_published | timestamptz | YES | ',
      'feed_state | updated_at | timestamptz | YES | now()',
      "inbound_events_classified | id | int8 | NO | nextval('inbound_events_classified_id_seq'::regclass)",
      'inbound_events_classified | raw_event_id | int8 | YES | ',
      "inbound_events_classified | tickers | _text | YES | '{}'::text[]",
      'inbound_events_classified | sentiment_label | text | NO | ',
      'inbound_events_classified | sentiment_score | float8 | NO | ',
      'inbound_events_classified | event_type | text | YES | ',
      'inbound_events_classified | urgency | text | YES | ',
      'inbound_events_classified | created_at | timestamptz | YES | now()',
      "inbound_events_raw | id | int8 | NO | nextval('inbound_events_raw_id_seq'::regclass)",
      'inbound_events_raw | event_uid | text | NO | ',
      'inbound_events_raw | published_at | timestamptz | YES | ',
      'inbound_events_raw | source | text | YES | ',
      'inbound_events_raw | title | text | NO | ',
      'inbound_events_raw | link | text | YES | ',
      'inbound_events_raw | summary | text | YES | ',
      'inbound_events_raw | fetched_at | timestamptz | YES | now()',
      'inbound_events_raw | processed_at | timestamptz | YES | ',
      'lane_telemetry | ticker | text | NO | ',
      'lane_telemetry | ts | timestamptz | NO | ',
      'lane_telemetry | open | float8 | NO | ',
      'lane_telemetry | high | float8 | NO | ',
      'lane_telemetry | low | float8 | NO | ',
      'lane_telemetry | close | float8 | NO | ',
      'lane_telemetry | volume | int8 | YES | ',
      'schema_migrations | version | text | NO | ',
      'schema_migrations | applied_at | timestamptz | NO | now()',
    ]);
  });

  it('every index has the definition the seed describes', async () => {
    const { rows } = await client.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%pkey' ORDER BY indexname`);
    const defs = Object.fromEntries(rows.map((r) => [r.indexname, r.indexdef.replace(/ ON public\./, ' ON ')]));
    expect(defs).toEqual({
      idx_classified_created: 'CREATE INDEX idx_classified_created ON inbound_events_classified USING btree (created_at DESC)',
      idx_classified_sentiment: 'CREATE INDEX idx_classified_sentiment ON inbound_events_classified USING btree (sentiment_label)',
      idx_classified_tickers: 'CREATE INDEX idx_classified_tickers ON inbound_events_classified USING gin (tickers)',
      idx_inbound_raw_fetched: 'CREATE INDEX idx_inbound_raw_fetched ON inbound_events_raw USING btree (fetched_at DESC)',
      idx_inbound_raw_processed: 'CREATE INDEX idx_inbound_raw_processed ON inbound_events_raw USING btree (fetched_at) WHERE (processed_at IS NULL)',
      idx_inbound_raw_published: 'CREATE INDEX idx_inbound_raw_published ON inbound_events_raw USING btree (published_at DESC)',
      idx_recommendations_executed:
        'CREATE INDEX idx_recommendations_executed ON dispatch_recommendations USING btree (executed_at DESC) WHERE (executed_at IS NOT NULL)',
      idx_recommendations_status_ts: 'CREATE INDEX idx_recommendations_status_ts ON dispatch_recommendations USING btree (status, ts)',
      idx_recommendations_ticker_ts: 'CREATE INDEX idx_recommendations_ticker_ts ON dispatch_recommendations USING btree (ticker, ts DESC)',
      idx_telemetry_ticker_ts: 'CREATE INDEX idx_telemetry_ticker_ts ON lane_telemetry USING btree (ticker, ts DESC)',
      inbound_events_classified_raw_event_id_key:
        'CREATE UNIQUE INDEX inbound_events_classified_raw_event_id_key ON inbound_events_classified USING btree (raw_event_id)',
      inbound_events_raw_event_uid_key: 'CREATE UNIQUE INDEX inbound_events_raw_event_uid_key ON inbound_events_raw USING btree (event_uid)',
      uq_recommendations_signal_id: 'CREATE UNIQUE INDEX uq_recommendations_signal_id ON dispatch_recommendations USING btree (signal_id)',
    });
  });

  it('primary keys are the seed\'s', async () => {
    const { rows } = await client.query(`
      SELECT conrelid::regclass::text AS t, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE contype = 'p' AND connamespace = 'public'::regnamespace ORDER BY 1`);
    expect(rows.map((r) => `${r.t} ${r.def}`)).toEqual([
      'dispatch_recommendations PRIMARY KEY (id)',
      'feed_state PRIMARY KEY (feed_url)',
      'inbound_events_classified PRIMARY KEY (id)',
      'inbound_events_raw PRIMARY KEY (id)',
      'lane_telemetry PRIMARY KEY (ticker, ts)',
      'schema_migrations PRIMARY KEY (version)',
    ]);
  });

  it('re-running migrate is a no-op', async () => {
    const again = await migrateDatabase(db.url);
    expect(again).toMatchObject({ created: false, applied: [] });
    const { rows } = await client.query('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0].n).toBe(3);
  });
});

describe('constraints bite', () => {
  const violations: Array<{ name: string; sql: string; code: string }> = [
    {
      name: 'duplicate event_uid',
      sql: `INSERT INTO inbound_events_raw (event_uid, title) VALUES ('dup', 'a'), ('dup', 'b')`,
      code: '23505',
    },
    { name: 'raw title NULL', sql: `INSERT INTO inbound_events_raw (event_uid, title) VALUES ('x', NULL)`, code: '23502' },
    {
      name: 'classified row for an unknown raw event (FK)',
      sql: `INSERT INTO inbound_events_classified (raw_event_id, sentiment_label, sentiment_score) VALUES (987654321, 'positive', 0.9)`,
      code: '23503',
    },
    { name: 'action outside BUY/SELL', sql: `INSERT INTO dispatch_recommendations (ticker, action) VALUES ('AAPL', 'HOLD')`, code: '23514' },
    { name: 'status outside the three', sql: `INSERT INTO dispatch_recommendations (ticker, action, status) VALUES ('AAPL', 'BUY', 'DONE')`, code: '23514' },
    {
      name: 'duplicate (ticker, ts)',
      sql: `INSERT INTO lane_telemetry VALUES ('AAPL', '2024-01-02T15:30:00Z', 1, 2, 0.5, 1.5, 10), ('AAPL', '2024-01-02T15:30:00Z', 1, 2, 0.5, 1.5, 10)`,
      code: '23505',
    },
    {
      name: 'duplicate signal_id',
      sql: `INSERT INTO dispatch_recommendations (ticker, action, signal_id) VALUES ('AAPL', 'BUY', 's1'), ('MSFT', 'SELL', 's1')`,
      code: '23505',
    },
    {
      name: 'second classification of one raw event',
      sql: `WITH r AS (INSERT INTO inbound_events_raw (event_uid, title) VALUES ('once', 't') RETURNING id)
            INSERT INTO inbound_events_classified (raw_event_id, sentiment_label, sentiment_score)
            SELECT id, 'positive', 0.9 FROM r UNION ALL SELECT id, 'negative', 0.8 FROM r`,
      code: '23505',
    },
  ];

  it.each(violations)('rejects $name', async ({ sql, code }) => {
    await expect(client.query(sql)).rejects.toMatchObject({ code });
  });

  it('accepts a well-formed row in every table with the seed defaults', async () => {
    await client.query('BEGIN');
    try {
      const raw = await client.query(`INSERT INTO inbound_events_raw (event_uid, title) VALUES ('ok', 'Apple beats') RETURNING id, fetched_at, processed_at`);
      expect(raw.rows[0].fetched_at).toBeInstanceOf(Date);
      expect(raw.rows[0].processed_at).toBeNull();
      const c = await client.query(
        `INSERT INTO inbound_events_classified (raw_event_id, sentiment_label, sentiment_score) VALUES ($1, 'positive', 0.9) RETURNING tickers`,
        [raw.rows[0].id],
      );
      expect(c.rows[0].tickers).toEqual([]);
      const d = await client.query(`INSERT INTO dispatch_recommendations (ticker, action) VALUES ('AAPL', 'BUY') RETURNING status, reason`);
      expect(d.rows[0]).toEqual({ status: 'PENDING', reason: {} });
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
