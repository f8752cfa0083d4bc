import type { IHeaders } from 'kafkajs';

/** One record a task read, decoded: what a stage's `prepare` turns into the processor's item. */
export interface InputRecord<V = unknown> {
  /** The input as the stage names it (a catalog id or an internal topic's name). */
  input: string;
  /** The topic's name in Kafka (with the prefix). */
  topic: string;
  partition: number;
  offset: string;
  /** The record's timestamp (its event time, for the pipeline's own topics), epoch ms. */
  timestamp: string;
  key: Buffer | null;
  value: V;
  headers?: IHeaders;
  /** The bytes as read, for a DLQ record. */
  raw: { key: Buffer | null; value: Buffer | null };
}
