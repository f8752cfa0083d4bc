import { Partitioners } from 'kafkajs';

// Where a producer with the default partitioner (murmur2, as every producer here uses) put a
// key: so a reader of one ticker reads one partition of a topic keyed by ticker. Only for
// topics whose partition count never grows (signals, market.candles): in the others an old
// record's partition was chosen under another count.

const partitioner = Partitioners.DefaultPartitioner();

export function keyPartition(topic: string, key: string, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionId: i, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
  return partitioner({ topic, partitionMetadata, message: { key, value: null } });
}
