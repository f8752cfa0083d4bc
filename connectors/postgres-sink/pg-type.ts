/** The column types the sink writes, by their PostgreSQL names. */
export type PgType = 'text' | 'timestamptz' | 'float8' | 'int8' | 'text[]' | 'jsonb';
