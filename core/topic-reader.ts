import { randomBytes } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { logger } from './log.ts';

// Reads a topic from a start offset per partition up to an end offset (default: the end
// offsets seen at start),
// then stops: how components rebuild their state from Kafka (the compacted feeds.state,
// the tail of market.candles). Commits nothing.

export interface PartitionRange {
  partition: number;
  low: bigint;
  high: bigint;
}

export async function readToEnd(
  kafka: Kafka,
  topic: string,
  onMessage: (message: KafkaMessage, partition: number) => void | Promise<void>,
  opts: { startAt?: (range: PartitionRange) => bigint; endAt?: (range: PartitionRange) => bigint; stallTimeoutMs?: number } = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  let offsets;
  try {
    offsets = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const pending = new Map<number, bigint>();
  const starts = new Map<number, bigint>();
  for (const o of offsets) {
    const range = { partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) };
    const start = opts.startAt ? opts.startAt(range) : range.low;
    const clamped = start < range.low ? range.low : start;
    const wanted = opts.endAt ? opts.endAt(range) : range.high;
    const end = wanted > range.high ? range.high : wanted;
    if (clamped < end) {
      pending.set(o.partition, end);
      starts.set(o.partition, clamped);
    }
  }
  if (!pending.size) return;

  const consumer = kafka.consumer({ groupId: `ops-pipeline-reader-${randomBytes(6).toString('hex')}`, readUncommitted: false, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let lastProgress = Date.now();
  // A failing onMessage (the registry away while decoding) fails the read: a partial read
  // taken for the whole would rebuild a component's state wrong.
  let failed: unknown;
  await new Promise<void>((resolve) => {
    const reached = (partition: number, lastOffset: string) => {
      lastProgress = Date.now();
      const end = pending.get(partition);
      if (end !== undefined && BigInt(lastOffset) + 1n >= end) pending.delete(partition);
      if (!pending.size) resolve();
    };
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => reached(e.payload.partition, e.payload.lastOffset));
    const stall = setInterval(() => {
      if (!pending.size || failed) return clearInterval(stall);
      if (Date.now() - lastProgress > (opts.stallTimeoutMs ?? 15_000)) {
        clearInterval(stall);
        logger('topic-reader').warn({ topic, partitions: [...pending.keys()] }, 'stopped reading before the end offsets (no progress)');
        resolve();
      }
    }, 200);
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = pending.get(batch.partition);
        try {
          for (const m of batch.messages) {
            if (end !== undefined && BigInt(m.offset) >= end) break;
            await onMessage(m, batch.partition);
          }
        } catch (err) {
          failed ??= err;
          resolve();
          throw err;
        }
      },
    });
    for (const [partition, offset] of starts) consumer.seek({ topic, partition, offset: offset.toString() });
  });
  await consumer.disconnect();
  if (failed) throw failed;
}
