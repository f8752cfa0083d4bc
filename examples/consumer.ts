// A minimal downstream consumer of ops-pipeline's `signals` topic, using nothing but kafkajs
// and the schema registry client: copy it into your own project as a starting point.
//
//   KAFKA_BROKERS=127.0.0.1:9092 SCHEMA_REGISTRY_URL=http://127.0.0.1:8081/apis/ccompat/v7 \
//     npx tsx examples/consumer.ts
//
// Read with read_committed (the default in kafkajs): `signals` is written in transactions, so
// aborted writes never reach you. A signal's later status (EXECUTED, CANCELLED) arrives as a
// later record with the same signal_id: keep the latest per signal_id.
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel } from 'kafkajs';

export interface SignalRecord {
  signal_id: string;
  ts: number; // epoch ms, UTC (Avro timestamp-millis)
  ticker: string;
  action: 'BUY' | 'SELL';
  confidence: number;
  reason: string; // JSON
  status: 'PENDING' | 'EXECUTED' | 'CANCELLED';
  executed_at: number | null;
  filled_price: number | null;
  shares: number | null;
}

export interface ConsumeOptions {
  brokers: string[];
  registryUrl: string;
  topic?: string;
  groupId?: string;
  /** Stop after this many signals (omit to run until interrupted). */
  max?: number;
  onSignal?: (s: SignalRecord) => void;
}

export async function consumeSignals(o: ConsumeOptions): Promise<SignalRecord[]> {
  const kafka = new Kafka({ clientId: 'signals-example', brokers: o.brokers, logLevel: logLevel.WARN });
  const registry = new SchemaRegistry({ host: o.registryUrl });
  const consumer = kafka.consumer({ groupId: o.groupId ?? 'signals-example' });
  const seen: SignalRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: o.topic ?? 'signals', fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ message }) => {
          if (!message.value) return;
          const signal = (await registry.decode(message.value)) as SignalRecord;
          seen.push(signal);
          o.onSignal?.(signal);
          if (o.max !== undefined && seen.length >= o.max) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return seen;
}

// Run directly: print every signal as a line.
if (import.meta.url === `file://${process.argv[1]}`) {
  await consumeSignals({
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    registryUrl: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
    onSignal: (s) => console.log(`${new Date(s.ts).toISOString()} ${s.action.padEnd(4)} ${s.ticker.padEnd(8)} confidence ${s.confidence} ${s.status}`),
  });
}
