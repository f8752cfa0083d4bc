import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnections } from '../../core/config.ts';
import { AuthenticationError, ServiceUnreachableError } from '../../core/errors.ts';
import { createKafka, withKafka } from '../../core/kafka.ts';
import { createRegistry } from '../../core/registry.ts';
import { kafkaBroker } from '../../deploy/local/kafka-broker.ts';
import { servicePaths } from '../../deploy/local/layout.ts';
import type { LocalService } from '../../deploy/local/service.ts';
import { bringUp } from '../../deploy/local/services.ts';
import { consumeSignals } from '../../examples/consumer.ts';
import { expectExactTables, faultInputs, produceInputs } from '../chaos/fault-inputs.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import { freshDatabase } from '../database.ts';
import { deleteSubjects, testConnections, uniquePrefix } from '../kafka.ts';
import { runCli } from './run-cli.ts';
import { createTestCa, type TestCa } from './tls-fixtures.ts';

// A broker of our own with only a SASL_SSL listener (TLS with a throwaway CA, SCRAM
// credentials created when its storage is formatted), and our real clients against it:
// createKafka from config, and the CLI with its secrets in env and files.

const INSTANCE = 'kafka-secure';
const PORT = 19192;
const CONTROLLER_PORT = 19193;
const BROKER = `127.0.0.1:${PORT}`;
const ADMIN_PASSWORD = `admin-${randomBytes(12).toString('hex')}`;
const APP_PASSWORD = `app-${randomBytes(12).toString('hex')}`;
const WRONG_PASSWORD = `wrong-${randomBytes(12).toString('hex')}`;

const SCRAM_LOGIN = `org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${ADMIN_PASSWORD}";`;

let ca: TestCa;
let broker: LocalService | undefined;
let passwordFile: string;

function secureEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { KAFKA_BROKERS: BROKER, KAFKA_SSL_CA_FILE: ca.caFile, KAFKA_SASL_USERNAME: 'app', KAFKA_SASL_PASSWORD_FILE: passwordFile, ...extra };
}

beforeAll(async () => {
  ca = createTestCa('kafka');
  const server = ca.issue('broker');
  const keystore = join(ca.dir, 'broker-keystore.pem');
  writeFileSync(keystore, `${server.key}${server.cert}`);
  passwordFile = join(ca.dir, 'app-password');
  writeFileSync(passwordFile, `${APP_PASSWORD}\n`);
  // Credentials live in the formatted storage: start from nothing so they match this run's.
  rmSync(servicePaths(INSTANCE).root, { recursive: true, force: true });
  broker = kafkaBroker({
    instance: INSTANCE,
    port: PORT,
    controllerPort: CONTROLLER_PORT,
    heap: '384m',
    properties: {
      listeners: `SASL_SSL://${BROKER},CONTROLLER://127.0.0.1:${CONTROLLER_PORT}`,
      'advertised.listeners': `SASL_SSL://${BROKER}`,
      'listener.security.protocol.map': 'SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name': 'SASL_SSL',
      'sasl.enabled.mechanisms': 'SCRAM-SHA-512,SCRAM-SHA-256',
      'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
      // Each enabled mechanism needs a login module (the inter-broker credentials serve both).
      'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': SCRAM_LOGIN,
      'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': SCRAM_LOGIN,
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': keystore,
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': ca.caFile,
      'ssl.client.auth': 'none',
    },
    formatArgs: [
      '--add-scram',
      `SCRAM-SHA-512=[name=admin,password=${ADMIN_PASSWORD}]`,
      '--add-scram',
      `SCRAM-SHA-512=[name=app,password=${APP_PASSWORD}]`,
      '--add-scram',
      `SCRAM-SHA-256=[name=app,password=${APP_PASSWORD}]`,
    ],
    client: { ssl: { ca: [ca.ca] }, sasl: { mechanism: 'scram-sha-512', username: 'admin', password: ADMIN_PASSWORD } },
  });
  await bringUp(broker, () => {});
});

afterAll(async () => {
  await broker?.stop();
  rmSync(servicePaths(INSTANCE).root, { recursive: true, force: true });
  ca?.remove();
});

describe('Kafka over SASL_SSL (SCRAM)', () => {
  it('createKafka from config produces and consumes over TLS with SCRAM-SHA-512', async () => {
    const conn = loadConnections({ env: secureEnv() });
    const kafka = createKafka(conn.kafka, 'security-test');
    const topic = `secure.roundtrip.${randomBytes(4).toString('hex')}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const values = ['one', 'two', 'three'];
    await producer.send({ topic, messages: values.map((value) => ({ key: 'k', value })) });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `${topic}.group` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            seen.push(message.value!.toString());
            if (seen.length === values.length) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    expect(seen).toEqual(values);
  });

  it('SCRAM-SHA-256 works as well', async () => {
    const conn = loadConnections({ env: secureEnv({ KAFKA_SASL_MECHANISM: 'scram-sha-256' }) });
    const admin = createKafka(conn.kafka, 'security-test').admin();
    await admin.connect();
    expect((await admin.describeCluster()).brokers).toHaveLength(1);
    await admin.disconnect();
  });

  it('a wrong password is an AuthenticationError at once (no retrying), without the password in it', async () => {
    const conn = loadConnections({ env: secureEnv({ KAFKA_SASL_PASSWORD_FILE: undefined, KAFKA_SASL_PASSWORD: WRONG_PASSWORD }) });
    const admin = createKafka(conn.kafka, 'security-test').admin();
    const err = await admin.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    await admin.disconnect().catch(() => {});
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toMatch(/Kafka at 127\.0\.0\.1:19192 refused the connection: SASL scram-sha-512 authentication failed for user app/);
    expect((err as Error).message).not.toContain(WRONG_PASSWORD);
  });

  it('a client without TLS is refused', async () => {
    const conn = loadConnections({ env: secureEnv({ KAFKA_SSL_CA_FILE: undefined }) });
    expect(conn.kafka.ssl).toBeUndefined();
    const admin = createKafka(conn.kafka, 'security-test', { retry: { retries: 1 }, connectionTimeout: 3000 }).admin();
    // The broker reads the plaintext request as a broken TLS handshake and drops the connection.
    await expect(withKafka(conn.kafka, () => admin.connect())).rejects.toThrow(ServiceUnreachableError);
    await admin.disconnect().catch(() => {});
  });

  it('SASL against a listener without SASL (the shared PLAINTEXT broker) is an AuthenticationError saying so', async () => {
    const conn = loadConnections({ env: { ...secureEnv(), KAFKA_BROKERS: testConnections().kafka.brokers.join(','), KAFKA_SSL_CA_FILE: undefined } });
    const admin = createKafka(conn.kafka, 'security-test', { retry: { retries: 1 } }).admin();
    await expect(admin.connect()).rejects.toThrow(/refused the connection: the listener does not accept SASL scram-sha-512/);
    await admin.disconnect().catch(() => {});
  });

  it('a broker certificate from another CA fails the TLS check as AuthenticationError', async () => {
    const other = createTestCa('other');
    try {
      const conn = loadConnections({ env: secureEnv({ KAFKA_SSL_CA_FILE: other.caFile }) });
      const admin = createKafka(conn.kafka, 'security-test', { retry: { retries: 1 } }).admin();
      await expect(admin.connect()).rejects.toThrow(AuthenticationError);
      await expect(admin.connect()).rejects.toThrow(/TLS: .*certificate/);
    } finally {
      other.remove();
    }
  });
});

describe('the CLI over SASL_SSL, secrets from env and files', () => {
  const prefix = uniquePrefix('secure');
  const registry = testConnections().registry;
  let db: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  afterAll(async () => {
    await deleteSubjects(registry.url, prefix);
    await db?.drop();
  });

  it('topics apply, records produced over it land in the tables by run sink --once, and no secret reaches the output at debug level', async () => {
    db = await freshDatabase({ migrate: true });
    const dbPassword = `db-${randomBytes(12).toString('hex')}`;
    const registryPassword = `reg-${randomBytes(12).toString('hex')}`;
    // The shared registry and PostgreSQL (trust auth) ignore these credentials; the point
    // is that a component given them never prints them.
    const env = secureEnv({ KAFKA_SASL_PASSWORD: APP_PASSWORD, KAFKA_SASL_PASSWORD_FILE: undefined, SCHEMA_REGISTRY_USERNAME: 'reg', SCHEMA_REGISTRY_PASSWORD: registryPassword, DATABASE_URL: db.url, DATABASE_PASSWORD: dbPassword });
    const apply = await runCli(['--topic-prefix', prefix, 'topics', 'apply'], env);
    expect(apply.output).toMatch(/news\.raw/);
    expect(apply.code).toBe(0);
    // Real records over SASL_SSL, so the sink has something to carry. No signals: the example
    // consumer below reads the signals topic from its start and expects only its own.
    const inputs = { ...faultInputs({ tickers: 3, minutes: 5, news: 12, seed: 19192 }), signals: [] };
    const conn = loadConnections({ env: secureEnv() });
    await produceInputs(createKafka(conn.kafka, 'security-test'), conn, prefix, inputs);
    const sink = await runCli(['--topic-prefix', prefix, '--candle-interval', '1m', 'run', 'sink', '--once'], env);
    expect(sink.code, sink.output.slice(-2000)).toBe(0);
    expect(sink.output).toMatch(/sink running/);
    await expectExactTables(db.url, inputs);
    for (const run of [apply, sink]) {
      for (const secret of [APP_PASSWORD, dbPassword, registryPassword, encodeURIComponent(dbPassword)]) expect(run.output).not.toContain(secret);
    }
  });

  it('the example consumer reads signals over SASL_SSL (topics and schemas from the test above)', async () => {
    const conn = loadConnections({ env: secureEnv() });
    const producer = createKafka(conn.kafka, 'security-test').producer();
    await producer.connect();
    const encoder = new RecordEncoder(createRegistry(registry), prefix);
    const signal = { signal_id: 'f'.repeat(64), ts: Date.UTC(2024, 0, 2), ticker: 'AAPL', action: 'BUY' as const, confidence: 0.7, reason: '{}', status: 'PENDING' as const, executed_at: null, filled_price: null, shares: null };
    await producer.send({ topic: topicName('signals', prefix), messages: await encoder.messages('signals', [signal]) });
    await producer.disconnect();
    const got = await consumeSignals({
      brokers: [BROKER],
      registryUrl: registry.url,
      topic: topicName('signals', prefix),
      groupId: `${prefix}example`,
      max: 1,
      ssl: { ca: [ca.ca] },
      sasl: { mechanism: 'scram-sha-512', username: 'app', password: APP_PASSWORD },
    });
    expect(got.map((s) => s.signal_id)).toEqual([signal.signal_id]);
  });

  it.each([
    ['topics apply', ['topics', 'apply']],
    ['a processor start (run signals)', ['run', 'signals', '--once']],
    // The sink opens its database connections first; they must not keep it alive after the error.
    ['the sink (run sink)', ['run', 'sink', '--once']],
  ])('a wrong SASL password stops %s with exit code 2 and one clear line, never echoing it', async (_name, args) => {
    const run = await runCli(['--topic-prefix', prefix, ...args], secureEnv({ KAFKA_SASL_PASSWORD: WRONG_PASSWORD, KAFKA_SASL_PASSWORD_FILE: undefined }));
    expect(run.code, run.output.slice(-2000)).toBe(2);
    expect(run.output).toMatch(/error: Kafka at 127\.0\.0\.1:19192 refused the connection: SASL/);
    expect(run.output).not.toContain(WRONG_PASSWORD);
  });
});
