import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { AvroCodec } from '../core/avro-codec.ts';
import { loadConnections } from '../core/config.ts';
import { dropDatabase, withDatabase } from '../core/db.ts';
import { createKafka } from '../core/kafka.ts';
import { createRegistry } from '../core/registry.ts';
import { migrateDatabase } from '../migrations/migrate.ts';
import { applyTopics } from '../schemas/apply.ts';
import { topicName, valueSubject } from '../schemas/catalog.ts';
import type { Candle } from '../schemas/records.ts';
import { runFlinkPeer } from './flink-peer.ts';

// A standalone try of the Flink peer, outside the bench: `npx tsx bench/flink-peer-try.ts`.
// Fills a prefixed market.candles topic with N candles (the sink bench's records), runs the
// multi-row INSERT … ON CONFLICT baseline (the sink bench's, 500 rows a statement, one
// transaction per fetched batch) and then the Flink peer into a fresh database, and prints both.
// Cleans up its topics and database. N from BENCH_SINK_RECORDS (default 300,000).

const N = Number(process.env.BENCH_SINK_RECORDS ?? 300_000);
const TICKERS = Array.from({ length: 200 }, (_, i) => `T${String(i).padStart(3, '0')}`);
const T0 = Date.UTC(2024, 0, 2, 14, 30);

function candleAt(i: number): Candle {
  const ticker = TICKERS[i % TICKERS.length]!;
  const minute = Math.floor(i / TICKERS.length);
  const close = 100 + (i % 97) / 10;
  return { ticker, ts: T0 + minute * 60_000, interval: '1m', open: close - 0.1, high: close + 0.2, low: close - 0.3, close, adjclose: null, volume: 1000 + (i % 500), source: 'bench' };
}

const COLS = ['ticker', 'ts', 'open', 'high', 'low', 'close', 'volume'];
const UPSERT_TAIL = 'ON CONFLICT (ticker, ts) DO UPDATE SET open=EXCLUDED.open, high=EXCLUDED.high, low=EXCLUDED.low, close=EXCLUDED.close, volume=EXCLUDED.volume';

const conn = loadConnections({});
const dbUrl = withDatabase(conn.database.url, `opsp_flinktry_${randomBytes(4).toString('hex')}`);
const prefix = `flinktry-${randomBytes(4).toString('hex')}.`;
const kafka = createKafka(conn.kafka, 'flink-peer-try');
const admin = kafka.admin();
const registry = createRegistry(conn.registry);
const codec = new AvroCodec(registry);
await admin.connect();
await migrateDatabase(dbUrl);
await applyTopics(admin, registry, prefix);
const topic = topicName('marketCandles', prefix);
const client = new pg.Client({ connectionString: dbUrl });
await client.connect();
try {
  const schemaId = await registry.getLatestSchemaId(valueSubject(topic));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let i = 0; i < N; i += 10_000) {
    const messages = [];
    for (let j = i; j < Math.min(i + 10_000, N); j++) {
      const c = candleAt(j);
      messages.push({ key: c.ticker, value: await codec.encode(schemaId, c) });
    }
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
  console.log(`  ${N.toLocaleString()} candles in ${topic}`);

  // Multi-row baseline, as in bench/sink.bench.ts.
  let multi: { rows: number; seconds: number };
  {
    const consumer = kafka.consumer({ groupId: `flinktry-${randomBytes(4).toString('hex')}`, maxBytesPerPartition: 8 * 1024 * 1024, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let rows = 0;
    const started = process.hrtime.bigint();
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
          if (rows >= N) return resolve();
          const byKey = new Map<string, Candle>();
          for (const m of batch.messages) {
            const c = await codec.decode<Candle>(m.value);
            byKey.set(`${c.ticker}|${c.ts}`, c);
          }
          const candles = [...byKey.values()];
          await client.query('BEGIN');
          for (let i = 0; i < candles.length; i += 500) {
            const values: unknown[] = [];
            const tuples = candles.slice(i, i + 500).map((c) => {
              const base = values.length;
              values.push(c.ticker, new Date(c.ts), c.open, c.high, c.low, c.close, c.volume);
              return `(${COLS.map((_, k) => `$${base + k + 1}`).join(',')})`;
            });
            await client.query(`INSERT INTO lane_telemetry (${COLS.join(',')}) VALUES ${tuples.join(',')} ${UPSERT_TAIL}`, values);
          }
          await client.query('COMMIT');
          resolveOffset(batch.lastOffset());
          await heartbeat();
          rows += batch.messages.length;
          if (rows >= N) resolve();
        },
      });
    });
    multi = { rows, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    await consumer.disconnect();
  }

  await client.query('TRUNCATE lane_telemetry');
  const flink = await runFlinkPeer({ bootstrap: conn.kafka.brokers[0]!, registryUrl: conn.registry.url, topic, dbUrl, expectedRows: N });
  // The same row as the bench wrote for one candle, to check the column mapping (ts above all).
  const probe = (await client.query("SELECT ticker, extract(epoch FROM ts)*1000 AS ms, open, close, volume FROM lane_telemetry WHERE ticker = 'T007' ORDER BY ts LIMIT 1")).rows[0];
  const want = candleAt(7);

  console.log('');
  console.log('  path          rows        seconds    rows/s');
  const line = (name: string, r: { rows: number; seconds: number }, note = '') =>
    console.log(`  ${name.padEnd(12)} ${String(r.rows).padStart(8)} ${r.seconds.toFixed(2).padStart(12)} ${Math.round(r.rows / r.seconds).toLocaleString().padStart(10)}${note}`);
  line('multi-row', multi);
  if ('skipped' in flink) console.log(`  flink        skipped: ${flink.skipped}`);
  else {
    line('flink', flink, `   (+${flink.startupSeconds.toFixed(1)} s JVM and mini-cluster startup${flink.peakRssMiB ? `, peak RSS ${flink.peakRssMiB} MiB` : ''})`);
    const ok = probe && Number(probe.ms) === want.ts && probe.open === want.open && probe.close === want.close && Number(probe.volume) === want.volume;
    console.log(`  row check    ${ok ? 'ok' : 'MISMATCH'}: ${JSON.stringify(probe)} vs ts=${want.ts} open=${want.open} close=${want.close} volume=${want.volume}`);
  }
} finally {
  await client.end();
  const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  await admin.deleteTopics({ topics: mine }).catch(() => {});
  await admin.disconnect();
  await dropDatabase(dbUrl);
}
