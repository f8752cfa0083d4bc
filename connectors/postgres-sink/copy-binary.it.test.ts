import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/database.ts';
import { BinaryCopyEncoder } from './copy-binary.ts';
import type { PgType } from './pg-type.ts';

// Values that are easy to get wrong in the binary format, written by the real server's COPY
// and read back as text by SQL: what the sink writes is what PostgreSQL would have parsed.

const TYPES: PgType[] = ['text', 'timestamptz', 'float8', 'int8', 'text[]', 'jsonb'];
const ROWS: Array<[string, unknown[], Record<string, string | null>]> = [
  ['plain values', ['AAPL', Date.UTC(2024, 0, 2, 14, 30, 5, 123), 185.25, 1000, ['AAPL', 'MSFT'], '{"a":1}'],
    { t: 'AAPL', ts: '2024-01-02 14:30:05.123+00', f: '185.25', i: '1000', a: '{AAPL,MSFT}', j: '{"a": 1}' }],
  ['all NULL', [null, null, undefined, null, null, null], { t: null, ts: null, f: null, i: null, a: null, j: null }],
  ['before 2000 and negative numbers', ['x', Date.UTC(1969, 11, 31, 23, 59, 59, 999), -0.5, -123456789012, [], '[]'],
    { t: 'x', ts: '1969-12-31 23:59:59.999+00', f: '-0.5', i: '-123456789012', a: '{}', j: '[]' }],
  ['framing characters and unicode', ['tab\there\nnew \\ line "q" Ørsted € 株式 😀', Date.UTC(2038, 0, 19, 3, 14, 8), 1e-300, 2 ** 53 - 1, ['a"b', 'c\\d', 'e,f', 'g h', ''], '{"s":"x\\ny"}'],
    { t: 'tab\there\nnew \\ line "q" Ørsted € 株式 😀', ts: '2038-01-19 03:14:08+00', f: '1e-300', i: '9007199254740991', a: '{"a\\"b","c\\\\d","e,f","g h",""}', j: '{"s": "x\\ny"}' }],
];

let client: pg.Client;
let db: { url: string; drop: () => Promise<void> };
beforeAll(async () => {
  db = await freshDatabase();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query("SET TIME ZONE 'UTC'");
  await client.query('CREATE TEMP TABLE copy_binary_check (n int8, t text, ts timestamptz, f float8, i int8, a text[], j jsonb)');
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

async function copy(chunks: Buffer[], columns = 'n, t, ts, f, i, a, j'): Promise<void> {
  await pipeline(Readable.from(chunks), client.query(copyFrom(`COPY copy_binary_check (${columns}) FROM STDIN (FORMAT binary)`)));
}

describe('binary COPY encoder, against the server', () => {
  it.each(ROWS.map((r, n) => [r[0], n, r[1], r[2]] as const))('%s', async (_name, n, values, expected) => {
    const enc = new BinaryCopyEncoder(64); // a small chunk size: rows cross chunk boundaries
    enc.row(['int8', ...TYPES], [n, ...values]);
    await copy([enc.finish()]);
    const got = await client.query('SELECT t, ts::text AS ts, f::text AS f, i::text AS i, a::text AS a, j::text AS j FROM copy_binary_check WHERE n = $1', [n]);
    expect(got.rows).toEqual([expected]);
  });

  it('streams many rows in taken chunks, and a stream of no rows', async () => {
    await client.query('TRUNCATE copy_binary_check');
    const enc = new BinaryCopyEncoder(256);
    const chunks: Buffer[] = [];
    for (let n = 0; n < 5000; n++) {
      enc.row(['int8', 'text'], [n, `row ${n}`]);
      if (enc.pending > 256) chunks.push(enc.take()!);
    }
    chunks.push(enc.finish());
    await copy(chunks, 'n, t');
    await copy([new BinaryCopyEncoder().finish()], 'n, t');
    expect((await client.query("SELECT count(*)::int AS n, sum(n)::int AS s, count(*) FILTER (WHERE t = 'row ' || n)::int AS ok FROM copy_binary_check")).rows).toEqual([{ n: 5000, s: 12497500, ok: 5000 }]);
  });
});
