// A minimal downstream consumer of ops-pipeline's `signals` topic, using nothing but kafkajs
// and the schema registry client: copy it into your own project as a starting point.
//
//   KAFKA_BROKERS=127.0.0.1:9092 SCHEMA_REGISTRY_URL=http://127.0.0.1:8081/apis/ccompat/v7 \
//     npx tsx examples/consumer.ts
//
// Over TLS and SASL (SCRAM), set KAFKA_SSL_CA_FILE, KAFKA_SASL_MECHANISM (scram-sha-512),
// KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD; a registry with basic auth takes
// SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD.
//
// Read with read_committed (the default in kafkajs): `signals` is written in transactions, so
// aborted writes never reach you. A signal's later status (EXECUTED, CANCELLED) arrives as a
// later record with the same signal_id: keep the latest per signal_id.
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';

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
  /** TLS to the brokers, e.g. `{ ca: [pem] }` for a private CA. */
  ssl?: KafkaConfig['ssl'];
  /** SASL, e.g. `{ mechanism: 'scram-sha-512', username, password }`. */
  sasl?: SASLOptions;
  /** HTTP basic auth of the schema registry. */
  registryAuth?: { username: string; password: string };
}

export async function consumeSignals(o: ConsumeOptions): Promise<SignalRecord[]> {
  const kafka = new Kafka({ clientId: 'signals-example', brokers: o.brokers, ssl: o.ssl, sasl: o.sasl, logLevel: logLevel.WARN });
  const registry = new SchemaRegistry({ host: o.registryUrl, auth: o.registryAuth });
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
  const env = process.env;
  await consumeSignals({
    ssl: env.KAFKA_SSL_CA_FILE ? { ca: [readFileSync(env.KAFKA_SSL_CA_FILE, 'utf8')] } : undefined,
    sasl: env.KAFKA_SASL_USERNAME
      ? ({ mechanism: env.KAFKA_SASL_MECHANISM ?? 'scram-sha-512', username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD ?? '' } as SASLOptions)
      : undefined,
    registryAuth: env.SCHEMA_REGISTRY_USERNAME ? { username: env.SCHEMA_REGISTRY_USERNAME, password: env.SCHEMA_REGISTRY_PASSWORD ?? '' } : undefined,
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    registryUrl: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
    onSignal: (s) => console.log(`${new Date(s.ts).toISOString()} ${s.action.padEnd(4)} ${s.ticker.padEnd(8)} confidence ${s.confidence} ${s.status}`),
  });
}
