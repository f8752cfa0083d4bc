import type { Kafka } from 'kafkajs';
import type { AvroCodec } from '../../core/avro-codec.ts';
import { readToEnd } from '../../core/topic-reader.ts';

// Decoded records of a topic with where they are (partition, offset): what explain shows next
// to every record it used. Records carry their event time as their Kafka timestamp (the
// encoder sets it), so a read starts at the first record at or after a time, as a backtest's.

export interface Position {
  topic: string;
  partition: number;
  offset: string;
}

export interface Located<T> extends Position {
  record: T;
}

export interface LocatedRead<T> {
  /** The Avro full name the values must have (recordName): another schema's record is skipped. */
  recordName: string;
  /** Only these partitions (a key's); every partition by default. */
  partitions?: readonly number[];
  /** Start each partition at its first record with a timestamp at or after this. */
  fromMs?: number;
  /** Decode only values whose bytes hold one of these: an Avro string is its UTF-8 bytes, so nothing else can match. */
  holding?: readonly string[];
  keep: (record: T) => boolean;
}

export interface LocatedRecords<T> {
  records: Located<T>[];
  /** Every partition read started at its first record: there is nothing older to find. */
  fromFirst: boolean;
}

export async function readLocated<T>(kafka: Kafka, codec: AvroCodec, topic: string, o: LocatedRead<T>): Promise<LocatedRecords<T>> {
  const admin = kafka.admin();
  await admin.connect();
  let starts: Map<number, bigint> | undefined;
  let fromFirst = true;
  try {
    if (o.fromMs !== undefined) {
      const lows = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.low)]));
      starts = new Map((await admin.fetchTopicOffsetsByTimestamp(topic, o.fromMs)).map((p) => [p.partition, BigInt(p.offset)]));
      fromFirst = [...starts].every(([p, offset]) => (o.partitions && !o.partitions.includes(p)) || offset <= lows.get(p)!);
    }
  } finally {
    await admin.disconnect();
  }
  const needles = o.holding?.map((s) => Buffer.from(s, 'utf8'));
  const records: Located<T>[] = [];
  await readToEnd(
    kafka,
    topic,
    async (m, partition) => {
      if (!m.value || (needles && !needles.some((n) => m.value!.includes(n)))) return;
      // A record that does not decode is no record explain can use: it shows as missing.
      const record = await codec.decode<T>(m.value, o.recordName).catch(() => null);
      if (record !== null && o.keep(record)) records.push({ topic, partition, offset: m.offset, record });
    },
    { partitions: o.partitions, startAt: starts ? ({ partition, high }) => starts.get(partition) ?? high : undefined },
  );
  records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  return { records, fromFirst };
}

/** How many partitions a topic has. */
export async function partitionCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).length;
  } finally {
    await admin.disconnect();
  }
}
