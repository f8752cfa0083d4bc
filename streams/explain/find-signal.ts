import type { Kafka } from 'kafkajs';
import type { AvroCodec } from '../../core/avro-codec.ts';
import { recordName } from '../../schemas/catalog.ts';
import type { Signal } from '../../schemas/records.ts';
import { keyPartition } from './key-partition.ts';
import { partitionCount, readLocated, type Located } from './read-located.ts';

// A signal's records in a signals topic: the decision the signals processor wrote (PENDING) and
// the executor's status updates after it (same signal_id). Signals are keyed by ticker and the
// topic never grows, so with the ticker one partition is read; without it, every partition.

export interface FoundSignal {
  decision: Located<Signal>;
  /** Later records of the same signal (EXECUTED, CANCELLED), in offset order. */
  updates: Located<Signal>[];
}

export async function findSignal(kafka: Kafka, codec: AvroCodec, topic: string, signalId: string, ticker?: string): Promise<FoundSignal | null> {
  const partitions = ticker === undefined ? undefined : [keyPartition(topic, ticker, await partitionCount(kafka, topic))];
  const { records } = await readLocated<Signal>(kafka, codec, topic, { recordName: recordName('signals'), partitions, holding: [signalId], keep: (s) => s.signal_id === signalId });
  const decision = records.find((r) => r.record.status === 'PENDING') ?? records[0];
  if (!decision) return null;
  return { decision, updates: records.filter((r) => r !== decision) };
}
