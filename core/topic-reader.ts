import { randomBytes } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { ServiceUnreachableError } from './errors.ts';
import { logger } from './log.ts';
import { noKafkajsRestart } from './kafka.ts';

// Reads topics from a start offset per partition up to an end offset (default: the end
// offsets seen at start), then stops: how components rebuild their state from Kafka (the
// compacted feeds.state, the tail of market.candles, the signals engine's inputs). Commits
// nothing. `holdBack` lets a reader that merges partitions keep its buffers bounded: a
// partition it says to hold back is paused until it says otherwise. A read that stops making
// progress before its end offsets fails (the brokers stopped answering): a state rebuilt from a
// partial read would be wrong without anyone knowing.

export interface PartitionRange {
  topic: string;
  partition: number;
  low: bigint;
  high: bigint;
}

export interface ReadOptions {
  startAt?: (range: PartitionRange) => bigint;
  endAt?: (range: PartitionRange) => bigint;
  /** How long without a record before the read fails with ServiceUnreachableError (15 s). */
  stallTimeoutMs?: number;
  /** On a stall, end the read with what it has instead of failing: for reports, never for state. */
  partialOnStall?: boolean;
  /** Called once per partition when it has been read to its end (or has nothing to read). */
  onPartitionEnd?: (topic: string, partition: number) => void | Promise<void>;
  /** Asked after every batch, for every partition still being read: true pauses it, false resumes it. */
  holdBack?: (topic: string, partition: number) => boolean;
  /** Only these partitions (say a task's changelog partition); every partition by default. */
  partitions?: readonly number[];
}

export async function readToEnd(
  kafka: Kafka,
  topicOrTopics: string | readonly string[],
  onMessage: (message: KafkaMessage, partition: number, topic: string) => void | Promise<void>,
  opts: ReadOptions = {},
): Promise<void> {
  const topics = typeof topicOrTopics === 'string' ? [topicOrTopics] : [...topicOrTopics];
  const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
  const admin = kafka.admin();
  await admin.connect();
  const offsets: Array<{ topic: string; partition: number; low: string; high: string }> = [];
  try {
    for (const topic of topics) for (const o of await admin.fetchTopicOffsets(topic)) if (!opts.partitions || opts.partitions.includes(o.partition)) offsets.push({ topic, ...o });
  } finally {
    await admin.disconnect();
  }
  const pending = new Map<string, { topic: string; partition: number; end: bigint }>();
  /** Every partition's end, kept after it is reached: later fetches must not pass it on. */
  const ends = new Map<string, bigint>();
  const starts: Array<{ topic: string; partition: number; offset: bigint }> = [];
  const empty: Array<{ topic: string; partition: number }> = [];
  for (const o of offsets) {
    const range = { topic: o.topic, partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) };
    const start = opts.startAt ? opts.startAt(range) : range.low;
    const clamped = start < range.low ? range.low : start;
    const wanted = opts.endAt ? opts.endAt(range) : range.high;
    const end = wanted > range.high ? range.high : wanted;
    ends.set(key(o.topic, o.partition), end);
    if (clamped < end) {
      pending.set(key(o.topic, o.partition), { topic: o.topic, partition: o.partition, end });
      starts.push({ topic: o.topic, partition: o.partition, offset: clamped });
    } else empty.push({ topic: o.topic, partition: o.partition });
  }
  for (const p of empty) await opts.onPartitionEnd?.(p.topic, p.partition);
  if (!pending.size) return;

  const consumer = kafka.consumer({ groupId: `ops-pipeline-reader-${randomBytes(6).toString('hex')}`, readUncommitted: false, maxWaitTimeInMs: 100, ...noKafkajsRestart });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  const stallMs = opts.stallTimeoutMs ?? 15_000;
  let lastProgress = Date.now();
  // Once the read has ended (or failed), batches still in flight must not reach onMessage: the
  // caller has moved on, and a failed read's state is being thrown away or rebuilt.
  let over = false;
  // Time spent in onMessage is not a stall: a slow handler is the handler's to report.
  let inHandler = false;
  // A failing onMessage (the registry away while decoding) fails the read: a partial read
  // taken for the whole would rebuild a component's state wrong.
  let failed: unknown;
  const paused = new Set<string>();
  const pace = () => {
    if (!opts.holdBack) return;
    for (const [k, p] of pending) {
      const hold = opts.holdBack(p.topic, p.partition);
      if (hold && !paused.has(k)) consumer.pause([{ topic: p.topic, partitions: [p.partition] }]);
      if (!hold && paused.has(k)) consumer.resume([{ topic: p.topic, partitions: [p.partition] }]);
      if (hold) paused.add(k);
      else paused.delete(k);
    }
  };
  await new Promise<void>((resolve) => {
    const finish = () => {
      over = true;
      resolve();
    };
    const fail = (err: unknown) => {
      failed ??= err;
      finish();
    };
    const reached = async (topic: string, partition: number, lastOffset: string) => {
      if (over) return;
      lastProgress = Date.now();
      const p = pending.get(key(topic, partition));
      if (p && BigInt(lastOffset) + 1n >= p.end) {
        pending.delete(key(topic, partition));
        consumer.pause([{ topic, partitions: [partition] }]);
        await opts.onPartitionEnd?.(topic, partition);
        pace();
      }
      if (!pending.size) finish();
    };
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => void reached(e.payload.topic, e.payload.partition, e.payload.lastOffset).catch(fail));
    // The broker lost mid-read (kafkajs gave up): a failure, not an end.
    consumer.on(consumer.events.CRASH, (e) => fail(e.payload.error));
    const stall = setInterval(() => {
      if (over) return clearInterval(stall);
      if (inHandler || Date.now() - lastProgress <= stallMs) return;
      clearInterval(stall);
      const partitions = [...pending.values()].map((p) => `${p.topic}:${p.partition}`);
      if (!opts.partialOnStall) {
        return fail(new ServiceUnreachableError('Kafka', 'the brokers', { hint: `no records for ${stallMs / 1000} s before the end offsets of ${partitions.join(', ')}` }));
      }
      logger('topic-reader').warn({ topics, partitions }, 'stopped reading before the end offsets (no progress)');
      finish();
    }, 200);
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = ends.get(key(batch.topic, batch.partition));
        // A partition not asked for (the reader subscribes whole topics): never read.
        if (end === undefined) return consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
        try {
          for (const m of batch.messages) {
            if (over || (end !== undefined && BigInt(m.offset) >= end)) break;
            inHandler = true;
            try {
              await onMessage(m, batch.partition, batch.topic);
            } finally {
              inHandler = false;
              lastProgress = Date.now();
            }
          }
          pace();
        } catch (err) {
          fail(err);
          throw err;
        }
      },
    });
    for (const s of starts) consumer.seek({ topic: s.topic, partition: s.partition, offset: s.offset.toString() });
  });
  // A broker that stopped answering may hang the goodbye too: a failed read does not wait on it
  // for long (nothing reaches onMessage any more, see `over`).
  const disconnected = consumer.disconnect();
  if (failed) {
    await Promise.race([disconnected.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    throw failed;
  }
  await disconnected;
}

/**
 * A `startAt` for reading a topic from a time on: each partition's first offset whose timestamp
 * is at or after `fromMs` (every record here carries its event time as its timestamp), or its
 * end when it has none that late.
 */
export async function startAtTime(kafka: Kafka, topic: string, fromMs: number): Promise<(range: PartitionRange) => bigint> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const starts = new Map((await admin.fetchTopicOffsetsByTimestamp(topic, fromMs)).map((p) => [p.partition, BigInt(p.offset)]));
    return ({ partition, high }) => starts.get(partition) ?? high;
  } finally {
    await admin.disconnect();
  }
}
