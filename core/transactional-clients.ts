import type { Consumer, Kafka, Producer } from 'kafkajs';
import { noKafkajsRestart } from './kafka.ts';

// The clients of one consume-transform-produce session: an idempotent transactional producer
// and a read_committed consumer whose crash the session handles (kafkajs never restarts it).

export interface TransactionalClientOptions {
  transactionalId: string;
  groupId: string;
  /** How long a dead instance holds its partitions; kafkajs' default (30 s) when absent. */
  sessionTimeoutMs?: number;
  maxBytesPerPartition?: number;
}

export interface TransactionalClients {
  producer: Producer;
  consumer: Consumer;
  /** Consumer first, so no batch is in flight when the producer goes; never throws. */
  disconnect(): Promise<void>;
}

export function transactionalClients(kafka: Kafka, o: TransactionalClientOptions): TransactionalClients {
  const producer = kafka.producer({ transactionalId: o.transactionalId, idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({
    groupId: o.groupId,
    readUncommitted: false,
    maxWaitTimeInMs: 250,
    ...(o.sessionTimeoutMs ? { sessionTimeout: o.sessionTimeoutMs } : {}),
    ...(o.maxBytesPerPartition ? { maxBytesPerPartition: o.maxBytesPerPartition } : {}),
    ...noKafkajsRestart,
  });
  return {
    producer,
    consumer,
    async disconnect() {
      await consumer.disconnect().catch(() => {});
      await producer.disconnect().catch(() => {});
    },
  };
}
