import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Candle } from '../../schemas/records.ts';
import { freshDatabase } from '../../test/database.ts';
import { BatchWriter, type BatchOutcome } from './batch-writer.ts';
import { mappingFor } from './mappings.ts';
import type { PartitionPosition } from './partition-fence.ts';

// The partition fence against the real database: two sink instances believing they own the
// same partition (one lost it in a rebalance and still finishes an old batch) end with the
// newest values, whichever commits first; a recreated topic starts over.

const T0 = Date.UTC(2024, 0, 2, 14, 30);
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

function write(client: pg.Client, items: At[], position: Partial<PartitionPosition> = {}): Promise<BatchOutcome<At>> {
  const next = items.length ? items[items.length - 1]!.offset + 1n : 0n;
  return new BatchWriter(client).writeBatch(
    mappingFor('marketCandles'),
    items,
    { recordOf: (i) => i.candle, offsetOf: (i) => i.offset, position: { groupId: 'g', topic, partition: 0, nextOffset: next, highWatermark: 100n, ...position } },
    async () => {},
  );
}

async function close(): Promise<{ close: number; volume: string } | undefined> {
  return (await owner.query(`SELECT close, volume FROM lane_telemetry WHERE ticker = 'AAPL'`)).rows[0];
}
async function fence(): Promise<string | undefined> {
  return (await owner.query(`SELECT next_offset FROM ops_pipeline.sink_offsets WHERE topic = $1`, [topic])).rows[0]?.next_offset;
}

beforeAll(async () => {
  db = await freshDatabase({ migrate: true });
  owner = new pg.Client({ connectionString: db.url });
  zombie = new pg.Client({ connectionString: db.url });
  await owner.connect();
  await zombie.connect();
});
beforeEach(async () => {
  topic = `candles-${++topicSeq}`;
  await owner.query('TRUNCATE lane_telemetry');
});
afterAll(async () => {
  await owner?.end();
  await zombie?.end();
  await db?.drop();
});

describe('partition fence', () => {
  it('a stale batch committed after the newer one changes nothing', async () => {
    const newer = await write(owner, [at(0, 1, 'MSFT'), at(3, 2)]);
    expect(newer.writtenBefore).toBe(0n);
    const stale = await write(zombie, [at(0, 1, 'MSFT'), at(1, 1.5)]);
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
    const replay = await write(owner, [at(1, 1.5)], { nextOffset: 2n });
    expect(replay.writtenBefore).toBe(4n);
    expect(await close()).toEqual({ close: 2, volume: '3' });
    expect(await fence()).toBe('4');
  });

  it('the lock makes a late writer wait for the owner, then skip what it wrote', async () => {
    await owner.query('BEGIN');
    await owner.query(`INSERT INTO ops_pipeline.sink_offsets (group_id, topic, partition, next_offset) VALUES ('g', $1, 0, 0)`, [topic]);
    await owner.query(`SELECT 1 FROM ops_pipeline.sink_offsets WHERE topic = $1 FOR UPDATE`, [topic]);
    let lateDone = false;
    const late = write(zombie, [at(0, 1)]).then((o) => ((lateDone = true), o));
    await new Promise((r) => setTimeout(r, 300));
    expect(lateDone).toBe(false);
    await owner.query(`INSERT INTO lane_telemetry (ticker, ts, open, high, low, close, volume) VALUES ('AAPL', to_timestamp(${T0 / 1000}), 2, 2, 2, 2, 3)`);
    await owner.query(`UPDATE ops_pipeline.sink_offsets SET next_offset = 4 WHERE topic = $1`, [topic]);
    await owner.query('COMMIT');
    expect((await late).writtenBefore).toBe(4n);
    expect(await close()).toEqual({ close: 2, volume: '3' });
  });

  it('a topic deleted and created again (offsets restart at 0) is written from its start', async () => {
    await write(owner, [at(0, 1, 'MSFT'), at(40, 2)]);
    expect(await fence()).toBe('41');
    const recreated = await write(owner, [at(0, 7)], { highWatermark: 1n });
    expect(recreated.writtenBefore).toBe(0n);
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
