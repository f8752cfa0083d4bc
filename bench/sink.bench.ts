import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { SingleBar } from 'cli-progress';
import { AvroCodec } from '../core/avro-codec.ts';
import { loadConnections } from '../core/config.ts';
import { dropDatabase, withDatabase } from '../core/db.ts';
import { createKafka } from '../core/kafka.ts';
import { createRegistry } from '../core/registry.ts';
import { SinkConfig } from '../connectors/postgres-sink/config.ts';
import { MAPPINGS } from '../connectors/postgres-sink/mappings.ts';
import { startPostgresSink } from '../connectors/postgres-sink/component.ts';
import { copyRows } from '../connectors/postgres-sink/table-writer.ts';
import { migrateDatabase } from '../migrations/migrate.ts';
import { applyTopics } from '../schemas/apply.ts';
import { topicName, valueSubject } from '../schemas/catalog.ts';
import type { Candle } from '../schemas/records.ts';
import { runFlinkPeer } from './flink-peer.ts';
import { lastCommitWatch } from './last-commit.ts';
import { verdict } from './verdict.ts';

// market.candles -> lane_telemetry, Kafka to rows committed, in one run:
//   per-record  one INSERT … ON CONFLICT per record (autocommit), time-boxed sample
//   multi-row   INSERT … VALUES (…),(…) ON CONFLICT per 500 rows, one transaction per fetch (the JDBC-sink pattern)
//   sink        ops-pipeline's sink: binary COPY (straight in, or into a stage + one upsert) per batch
//   ceiling     bare binary COPY of the same rows into the table, no Kafka (the upper bound)
//   flink       Flink's JDBC sink in upsert mode in a local mini-cluster (bench/flink-peer), the peer
// Each Kafka path is timed from its start done (group joined; Flink's job running) to its last
// commit: a start is a fixed cost, printed beside, not part of a rate.

const N = Number(process.env.BENCH_SINK_RECORDS ?? 300_000);
const PER_RECORD_SECONDS = Number(process.env.BENCH_PER_RECORD_SECONDS ?? 15);
const TICKERS = Array.from({ length: 200 }, (_, i) => `T${String(i).padStart(3, '0')}`);
const T0 = Date.UTC(2024, 0, 2, 14, 30);

function candleAt(i: number): Candle {
  const ticker = TICKERS[i % TICKERS.length]!;
  const minute = Math.floor(i / TICKERS.length);
  const close = 100 + (i % 97) / 10;
  return { ticker, ts: T0 + minute * 60_000, interval: '1m', open: close - 0.1, high: close + 0.2, low: close - 0.3, close, adjclose: null, volume: 1000 + (i % 500), source: 'bench' };
}

function rate(rows: number, seconds: number): number {
  return rows / seconds;
}

async function produceCandles(kafka: Kafka, topic: string, codec: AvroCodec, schemaId: number): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const bar = new SingleBar({ format: '  producing {bar} {value}/{total} records' });
  bar.start(N, 0);
  const CHUNK = 10_000;
  for (let i = 0; i < N; i += CHUNK) {
    const messages = [];
    for (let j = i; j < Math.min(i + CHUNK, N); j++) {
      const c = candleAt(j);
      messages.push({ key: c.ticker, value: await codec.encode(schemaId, c) });
    }
    await producer.send({ topic, acks: -1, messages });
    bar.update(Math.min(i + CHUNK, N));
  }
  bar.stop();
  await producer.disconnect();
}

async function countRows(client: pg.Client): Promise<number> {
  return (await client.query('SELECT count(*)::int AS n FROM lane_telemetry')).rows[0].n;
}

/** Consumes the topic with a fresh group; `handle` writes rows; stops at `target` rows or the deadline. */
async function consumeWith(
  kafka: Kafka,
  topic: string,
  codec: AvroCodec,
  target: number,
  deadlineSeconds: number,
  handle: (candles: Candle[]) => Promise<void>,
  perMessage: boolean,
): Promise<{ rows: number; seconds: number }> {
  const consumer = kafka.consumer({ groupId: `bench-${randomBytes(4).toString('hex')}`, maxBytesPerPartition: 8 * 1024 * 1024, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let rows = 0;
  let deadline = Infinity;
  let reached!: () => void;
  const done = new Promise<void>((resolve) => (reached = resolve));
  const check = () => {
    if (rows >= target || Date.now() > deadline) reached();
  };
  // run() resolves once the group is joined: the clock starts there, as it does for the sink.
  await consumer.run({
      autoCommit: true,
      ...(perMessage
        ? {
            eachMessage: async ({ message }) => {
              if (rows >= target || Date.now() > deadline) return check();
              await handle([await codec.decode<Candle>(message.value)]);
              rows++;
              check();
            },
          }
        : {
            eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
              if (rows >= target || Date.now() > deadline) return check();
              const candles = [];
              for (const m of batch.messages) candles.push(await codec.decode<Candle>(m.value));
              await handle(candles);
              resolveOffset(batch.lastOffset());
              await heartbeat();
              rows += candles.length;
              check();
            },
          }),
  });
  const started = process.hrtime.bigint();
  deadline = Date.now() + deadlineSeconds * 1000;
  await done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await consumer.disconnect();
  return { rows, seconds };
}

const COLS = ['ticker', 'ts', 'open', 'high', 'low', 'close', 'volume'];

function multiRowInsert(candles: Candle[]): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const tuples = candles.map((c) => {
    const base = values.length;
    values.push(c.ticker, new Date(c.ts), c.open, c.high, c.low, c.close, c.volume);
    return `(${COLS.map((_, k) => `$${base + k + 1}`).join(',')})`;
  });
  return {
    text: `INSERT INTO lane_telemetry (${COLS.join(',')}) VALUES ${tuples.join(',')} ON CONFLICT (ticker, ts) DO UPDATE SET open=EXCLUDED.open, high=EXCLUDED.high, low=EXCLUDED.low, close=EXCLUDED.close, volume=EXCLUDED.volume`,
    values,
  };
}

function dedupe(candles: Candle[]): Candle[] {
  const m = new Map<string, Candle>();
  for (const c of candles) m.set(`${c.ticker}|${c.ts}`, c);
  return [...m.values()];
}

export default async function sinkBench(): Promise<void> {
  const conn = loadConnections({});
  const dbUrl = withDatabase(conn.database.url, `opsp_bench_${randomBytes(4).toString('hex')}`);
  const prefix = `bench-${randomBytes(4).toString('hex')}.`;
  const kafka = createKafka(conn.kafka, 'bench');
  const admin = kafka.admin();
  const registry = createRegistry(conn.registry);
  const codec = new AvroCodec(registry);
  await admin.connect();
  await migrateDatabase(dbUrl);
  await applyTopics(admin, registry, prefix);
  const topic = topicName('marketCandles', prefix);
  const schemaId = await registry.getLatestSchemaId(valueSubject(topic));
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  let peakRss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    console.log(`  ${N.toLocaleString()} candle records, ${TICKERS.length} tickers, topic ${topic} (6 partitions)`);
    await produceCandles(kafka, topic, codec, schemaId);
    const results: Record<string, { rows: number; seconds: number; note?: string }> = {};

    // Ceiling: bare COPY of the same rows, no Kafka.
    await client.query('TRUNCATE lane_telemetry');
    {
      const candles = Array.from({ length: N }, (_, i) => candleAt(i));
      const started = process.hrtime.bigint();
      // The sink's own encoder (binary COPY): the ceiling is the same bytes with nothing around them.
      await pipeline(copyRows(MAPPINGS.marketCandles, candles), client.query(copyFrom(`COPY lane_telemetry (${COLS.join(',')}) FROM STDIN (FORMAT binary)`)));
      results.ceiling = { rows: N, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    }

    // Baseline 1: one INSERT per record, time-boxed.
    await client.query('TRUNCATE lane_telemetry');
    results['per-record'] = {
      ...(await consumeWith(kafka, topic, codec, N, PER_RECORD_SECONDS, async ([c]) => {
        await client.query(
          `INSERT INTO lane_telemetry (${COLS.join(',')}) VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (ticker, ts) DO UPDATE SET open=EXCLUDED.open, high=EXCLUDED.high, low=EXCLUDED.low, close=EXCLUDED.close, volume=EXCLUDED.volume`,
          [c!.ticker, new Date(c!.ts), c!.open, c!.high, c!.low, c!.close, c!.volume],
        );
      }, true)),
      note: `time-boxed to ${PER_RECORD_SECONDS}s`,
    };

    // Baseline 2: multi-row INSERT … ON CONFLICT, 500 rows per statement, one transaction per fetched batch.
    await client.query('TRUNCATE lane_telemetry');
    results['multi-row'] = await consumeWith(kafka, topic, codec, N, 600, async (candles) => {
      await client.query('BEGIN');
      const rows = dedupe(candles);
      for (let i = 0; i < rows.length; i += 500) {
        const q = multiRowInsert(rows.slice(i, i + 500));
        await client.query(q.text, q.values);
      }
      await client.query('COMMIT');
    }, false);

    // The sink, timed to its last commit (the offsets follow the rows' transaction); stopping
    // after it, like a start, is printed beside.
    await client.query('TRUNCATE lane_telemetry');
    {
      const config = SinkConfig.parse({ groupId: 'sink', topics: ['marketCandles'], idleExitMs: 1500, maxWaitTimeMs: 100 });
      const watch = await lastCommitWatch(admin, `${prefix}${config.groupId}`, [topic]);
      let started = process.hrtime.bigint();
      // Resolves once its group is joined; its start (connections, the group join) is timed apart.
      const handle = await startPostgresSink({ connections: { ...conn, database: { url: dbUrl } }, config, prefix, candleInterval: '1m', once: true });
      const startSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      started = process.hrtime.bigint();
      const summary = await handle.done.finally(() => watch.stop());
      const stopped = process.hrtime.bigint();
      const committedAt = await watch.at;
      if (committedAt === undefined) throw new Error('the sink stopped before committing all of its topic');
      const seconds = Number(committedAt - started) / 1e9;
      const rows = await countRows(client);
      if (rows !== N || summary.dlq) throw new Error(`sink landed ${rows} rows (expected ${N}), ${summary.dlq} to DLQ`);
      results.sink = { rows, seconds, note: `after ${startSeconds.toFixed(2)} s of start (connections, group join); stopping after its last commit ${(Number(stopped - committedAt) / 1e9).toFixed(2)} s` };
    }

    // The peer a user would pick instead: Flink's JDBC sink in upsert mode, same topic and table.
    await client.query('TRUNCATE lane_telemetry');
    let flinkNote: string;
    try {
      const flink = await runFlinkPeer({ bootstrap: conn.kafka.brokers[0]!, registryUrl: conn.registry.url, topic, dbUrl, expectedRows: N });
      if ('skipped' in flink) flinkNote = `skipped: ${flink.skipped}`;
      else {
        results.flink = { rows: flink.rows, seconds: flink.seconds, note: `after ${flink.startupSeconds.toFixed(1)} s JVM and mini-cluster startup${flink.peakRssMiB ? `; JVM peak RSS ${flink.peakRssMiB} MiB` : ''}` };
        flinkNote = '';
      }
    } catch (err) {
      flinkNote = `failed: ${(err as Error).message.split('\n')[0]}`;
    }

    const r = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, rate(v.rows, v.seconds)]));
    console.log('');
    console.log('  path          rows        seconds    rows/s');
    for (const [name, v] of Object.entries(results)) {
      console.log(`  ${name.padEnd(12)} ${String(v.rows).padStart(8)} ${v.seconds.toFixed(2).padStart(12)} ${Math.round(r[name]!).toLocaleString().padStart(10)}${v.note ? `   (${v.note})` : ''}`);
    }
    const sink = r.sink!;
    const rows = (x: number) => `${Math.round(x).toLocaleString('en')} rows/s`;
    console.log('');
    verdict({ bench: 'sink', figure: 'sink throughput', value: sink, unit: 'rows/s', target: { op: '>=', bound: 60_000 } });
    verdict({ bench: 'sink', figure: 'sink / per-record INSERT', value: sink / r['per-record']!, unit: 'x', target: { op: '>=', bound: 15 }, detail: `${rows(sink)} vs ${rows(r['per-record']!)}` });
    verdict({
      bench: 'sink',
      figure: 'sink / multi-row INSERT (JDBC)',
      value: sink / r['multi-row']!,
      unit: 'x',
      target: { op: '>=', bound: 2.5 },
      detail: `${rows(sink)} vs ${rows(r['multi-row']!)}`,
      why: 'the multi-row upsert is bound by the server (one INSERT … ON CONFLICT per 500 rows), the sink by decoding in one Node thread',
    });
    verdict({
      bench: 'sink',
      figure: 'sink / bare binary COPY',
      value: sink / r.ceiling!,
      unit: 'x',
      target: { op: '>=', bound: 0.7 },
      detail: `${rows(sink)} vs ${rows(r.ceiling!)}`,
      why: 'the sink also fetches and decodes every record from Kafka and checks it, on the core PostgreSQL copies with',
    });
    if (r.flink) {
      verdict({
        bench: 'sink',
        figure: 'sink / Flink JDBC upsert sink',
        value: sink / r.flink,
        unit: 'x',
        target: { op: '>=', bound: 1 },
        detail: `${rows(sink)} vs ${rows(r.flink)} (Flink 1.20, parallelism 2, batches of 5,000, timed from its first record)`,
        why: 'Flink batches JDBC upserts over two parallel connections',
      });
    } else console.log(`  sink / Flink JDBC upsert sink: ${flinkNote}`);
    verdict({ bench: 'sink', figure: 'bench process peak RSS', value: peakRss / 1024 / 1024, unit: 'MiB', detail: 'producer, baselines and the sink in one process (see docs/benchmarks.md)' });
  } finally {
    clearInterval(rssTimer);
    await client.end();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics({ topics: mine }).catch(() => {});
    await admin.disconnect();
    await dropDatabase(dbUrl);
  }
}
