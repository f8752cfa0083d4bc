import type { Admin, Kafka } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKafka } from '../../core/kafka.ts';
import type { Candle } from '../../schemas/records.ts';
import { freshDatabase } from '../../test/database.ts';
import { deletePrefixed, testConnections, uniquePrefix } from '../../test/kafka.ts';
import { BatchWriter, type BatchOutcome } from './batch-writer.ts';
import { mappingFor } from './mappings.ts';
import type { PartitionPosition } from './partition-fence.ts';
import { resetSinkTopics } from './reset.ts';
import { TopicRecreatedError } from './topic-recreated-error.ts';

// The partition fence against the real database and broker: two sink instances believing they
// own the same partition (one lost it in a rebalance and still finishes an old batch) end with
// the newest values, whichever commits first, and the stored offset never moves back; a topic
// created again is refused until `sink reset` says to write it from its start.

const T0 = Date.UTC(2024, 0, 2, 14, 30);
const conn = testConnections();
const prefix = uniquePrefix('fence');
let kafka: Kafka;
let admin: Admin;
let db: { url: string; drop: () => Promise<void> };
let owner: pg.Client;
let zombie: pg.Client;
let topicSeq = 0;
let topic: string;

interface At {
  offset: bigint;
  candle: Candle;
}
/** A candle at this offset; AAPL unless another ticker is given (a batch holds one record per key). */
const at = (offset: number, close: number, ticker = 'AAPL'): At => ({
  offset: BigInt(offset),
  candle: { ticker, ts: T0, interval: '1m', open: close, high: close, low: close, close, adjclose: null, volume: offset, source: 'yahoo' },
});

/** A log end that must not be asked for (the batch is not behind the stored offset). */
const unasked = async (): Promise<bigint> => {
  throw new Error('the log end was asked for a batch not behind the stored offset');
};

function write(client: pg.Client, items: At[], position: Partial<PartitionPosition> = {}): Promise<BatchOutcome<At>> {
  const next = items.length ? items[items.length - 1]!.offset + 1n : 0n;
  return new BatchWriter(client).writeBatch(
    mappingFor('marketCandles'),
    items,
    { recordOf: (i) => i.candle, offsetOf: (i) => i.offset, position: { groupId: 'g', topic, partition: 0, nextOffset: next, logEnd: unasked, ...position } },
    async () => {},
  );
}

async function close(): Promise<{ close: number; volume: string } | undefined> {
  return (await owner.query(`SELECT close, volume FROM lane_telemetry WHERE ticker = 'AAPL'`)).rows[0];
}
async function fence(): Promise<string | undefined> {
  return (await owner.query(`SELECT next_offset FROM ops_pipeline.sink_offsets WHERE topic = $1`, [topic])).rows[0]?.next_offset;
}

/** The broker's log end of partition 0 of the current topic, asked now. */
async function brokerLogEnd(): Promise<bigint> {
  return BigInt((await admin.fetchTopicOffsets(topic)).find((p) => p.partition === 0)!.high);
}

/** Produces one AAPL close per value to partition 0 of the current topic; returns their offsets. */
async function produce(closes: number[]): Promise<bigint[]> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    const [meta] = await producer.send({ topic, messages: closes.map((c) => ({ key: 'AAPL', value: String(c), partition: 0 })) });
    const base = BigInt(meta!.baseOffset!);
    return closes.map((_, i) => base + BigInt(i));
  } finally {
    await producer.disconnect();
  }
}

async function createTopic(): Promise<void> {
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
}

beforeAll(async () => {
  kafka = createKafka(conn.kafka, 'test-fence');
  admin = kafka.admin();
  await admin.connect();
  db = await freshDatabase({ migrate: true });
  owner = new pg.Client({ connectionString: db.url });
  zombie = new pg.Client({ connectionString: db.url });
  await owner.connect();
  await zombie.connect();
});
beforeEach(async () => {
  topic = `${prefix}candles-${++topicSeq}`;
  await owner.query('TRUNCATE lane_telemetry');
});
afterAll(async () => {
  await owner?.end();
  await zombie?.end();
  await db?.drop();
  await deletePrefixed(admin, prefix);
  await admin?.disconnect();
});

describe('partition fence', () => {
  it('a late batch of an instance that fetched at the log end writes nothing over the new owner\'s newer rows', async () => {
    await createTopic();
    // The old owner fetched offsets 0-4 when they were the whole log (its high watermark was 5)...
    const old = await produce([1, 2, 3, 4, 5]);
    expect(await brokerLogEnd()).toBe(5n);
    const oldBatch = old.map((offset, i) => ({ ...at(Number(offset), i + 1), offset }));
    // ...then lost the partition before committing. The new owner reads from the committed
    // offset (nothing), and newer records of the same key have arrived meanwhile.
    const newer = await produce([10, 11, 12]);
    const newBatch = [...old, ...newer].map((offset, i) => ({ ...at(Number(offset), i < 5 ? i + 1 : 10 + i - 5), offset }));
    const written = await write(owner, newBatch.slice(-1), { nextOffset: 8n, logEnd: brokerLogEnd });
    expect(written.writtenBefore).toBe(0n);
    expect(await close()).toEqual({ close: 12, volume: '7' });
    expect(await fence()).toBe('8');

    // Released, the old owner's batch finds the partition written past it: the log still holds
    // every offset written, so this is a late batch, not a new log.
    const late = await write(zombie, oldBatch.slice(-1), { nextOffset: 5n, logEnd: brokerLogEnd });
    expect(late).toEqual({ rejected: [], writtenBefore: 8n, written: 0 });
    expect(await close()).toEqual({ close: 12, volume: '7' });
    expect(await fence()).toBe('8');
  });

  it('a stale batch committed after the newer one changes nothing', async () => {
    const newer = await write(owner, [at(0, 1, 'MSFT'), at(3, 2)]);
    expect(newer.writtenBefore).toBe(0n);
    const stale = await write(zombie, [at(0, 1, 'MSFT'), at(1, 1.5)], { logEnd: async () => 4n });
    expect(stale.writtenBefore).toBe(4n);
    expect(await close()).toEqual({ close: 2, volume: '3' });
    expect(await fence()).toBe('4');
  });

  it('a stale batch committed first is overwritten; the newer batch writes only what follows it', async () => {
    await write(zombie, [at(0, 1, 'MSFT'), at(1, 1.5)]);
    const newer = await write(owner, [at(3, 2)]);
    expect(newer.writtenBefore).toBe(2n);
    expect(await close()).toEqual({ close: 2, volume: '3' });
    // Replayed from an older committed offset, the records before the fence are skipped.
    const replay = await write(owner, [at(1, 1.5)], { nextOffset: 2n, logEnd: async () => 4n });
    expect(replay.writtenBefore).toBe(4n);
    expect(await close()).toEqual({ close: 2, volume: '3' });
    expect(await fence()).toBe('4');
  });

  it('the lock makes a late writer wait for the owner, then skip what it wrote', async () => {
    await owner.query('BEGIN');
    await owner.query(`INSERT INTO ops_pipeline.sink_offsets (group_id, topic, partition, next_offset) VALUES ('g', $1, 0, 0)`, [topic]);
    await owner.query(`SELECT 1 FROM ops_pipeline.sink_offsets WHERE topic = $1 FOR UPDATE`, [topic]);
    let lateDone = false;
    const late = write(zombie, [at(0, 1)], { logEnd: async () => 4n }).then((o) => ((lateDone = true), o));
    await new Promise((r) => setTimeout(r, 300));
    expect(lateDone).toBe(false);
    await owner.query(`INSERT INTO lane_telemetry (ticker, ts, open, high, low, close, volume) VALUES ('AAPL', to_timestamp(${T0 / 1000}), 2, 2, 2, 2, 3)`);
    await owner.query(`UPDATE ops_pipeline.sink_offsets SET next_offset = 4 WHERE topic = $1`, [topic]);
    await owner.query('COMMIT');
    expect((await late).writtenBefore).toBe(4n);
    expect(await close()).toEqual({ close: 2, volume: '3' });
  });

  it('a topic deleted and created again is refused, writing nothing, until `sink reset` starts it over', async () => {
    await createTopic();
    const first = await produce([1, 2, 3]);
    await write(owner, [{ ...at(2, 3), offset: first[2]! }], { logEnd: brokerLogEnd });
    expect(await fence()).toBe('3');

    await admin.deleteTopics({ topics: [topic] });
    await createTopic();
    const [again] = await produce([7]);
    expect(again).toBe(0n);
    const batch = [{ ...at(0, 7), offset: again! }];
    await expect(write(owner, batch, { logEnd: brokerLogEnd })).rejects.toThrow(TopicRecreatedError);
    await expect(write(owner, batch, { logEnd: brokerLogEnd })).rejects.toThrow(/created again.*sink reset --topic/);
    expect(await close()).toEqual({ close: 3, volume: '2' });
    expect(await fence()).toBe('3');

    expect(await resetSinkTopics(admin, owner, 'g', [topic])).toEqual([{ topic, positions: 1 }]);
    const restarted = await write(owner, batch, { logEnd: brokerLogEnd });
    expect(restarted.writtenBefore).toBe(0n);
    expect(await close()).toEqual({ close: 7, volume: '0' });
    expect(await fence()).toBe('1');
  });

  it('groups keep separate positions: a replay under a new group writes again', async () => {
    await write(owner, [at(0, 1)]);
    const other = await write(owner, [at(0, 5)], { groupId: 'replay' });
    expect(other.writtenBefore).toBe(0n);
    expect(await close()).toEqual({ close: 5, volume: '0' });
  });
});
