import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { loadConnections } from '../../core/config.ts';
import { AuthenticationError } from '../../core/errors.ts';
import { createKafka } from '../../core/kafka.ts';
import { checkRegistry, createRegistry, withRegistry } from '../../core/registry.ts';
import { connectClient } from '../../core/db.ts';
import { applyTopics } from '../../schemas/apply.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import { SAMPLES } from '../../schemas/samples.ts';
import { readDlq, runCli as runComponent } from '../bad-records.ts';
import { freshDatabase } from '../database.ts';
import { deletePrefixed, deleteSubjects, testConnections, uniquePrefix } from '../kafka.ts';
import { registerNextVersion } from '../schema-versions.ts';
import { startBasicAuthProxy, type BasicAuthProxy } from './basic-auth-proxy.ts';
import { runCli } from './run-cli.ts';

// The registry client with HTTP basic auth, against the real registry behind nginx's
// auth_basic: the right credentials register and read schemas (through the library and our
// own REST calls), wrong or missing ones are an AuthenticationError naming the registry. A
// refusal mid-stream is the registry's failure, never the records': retried, nothing in the DLQ.

const PORT = 19181;
const PASSWORD = `reg-${randomBytes(12).toString('hex')}`;
const WRONG = `wrong-${randomBytes(12).toString('hex')}`;
const shared = testConnections().registry;
const prefix = uniquePrefix('regauth');
const schema = JSON.stringify({ type: 'record', name: 'Probe', namespace: 'ops.test', fields: [{ name: 'id', type: 'string' }] });
let proxy: BasicAuthProxy;
let passwordFile: string;

beforeAll(async () => {
  proxy = await startBasicAuthProxy({ port: PORT, upstream: shared.url, username: 'pipeline', password: PASSWORD });
  passwordFile = join(tmpdir(), `opsp-registry-password-${randomBytes(4).toString('hex')}`);
  writeFileSync(passwordFile, `${PASSWORD}\n`);
});

afterAll(async () => {
  const admin = createKafka(testConnections().kafka, 'test-regauth').admin();
  await admin.connect();
  await deletePrefixed(admin, prefix);
  await admin.disconnect();
  await deleteSubjects(shared.url, prefix);
  await proxy?.stop();
  rmSync(passwordFile, { force: true });
});

function registryConfig(env: NodeJS.ProcessEnv) {
  return loadConnections({ env: { SCHEMA_REGISTRY_URL: proxy.url, ...env } }).registry;
}

describe('schema registry with basic auth', () => {
  it('the right credentials (password from a file) register and read schemas', async () => {
    const config = registryConfig({ SCHEMA_REGISTRY_USERNAME: 'pipeline', SCHEMA_REGISTRY_PASSWORD_FILE: passwordFile });
    await checkRegistry(config);
    const registry = createRegistry(config);
    const subject = `${prefix}probe-value`;
    // Our own REST calls, then the library's.
    const id = await registry.registerVersion(subject, schema);
    expect(await registry.lookupSchema(subject, schema)).toEqual({ id, version: 1 });
    expect(await registry.subjects()).toContain(subject);
    const encoded = await registry.encode(id, { id: 'x1' });
    expect(await registry.decode(encoded)).toEqual({ id: 'x1' });
    expect(await registry.getLatestSchemaId(subject)).toBe(id);
  });

  it('credentials in the URL work too', async () => {
    const u = new URL(proxy.url);
    u.username = 'pipeline';
    u.password = PASSWORD;
    await checkRegistry(registryConfig({ SCHEMA_REGISTRY_URL: u.toString() }));
  });

  it('a wrong password or none is an AuthenticationError (exit code 2) naming the registry, never the password', async () => {
    const wrong = registryConfig({ SCHEMA_REGISTRY_USERNAME: 'pipeline', SCHEMA_REGISTRY_PASSWORD: WRONG });
    const none = registryConfig({});
    for (const config of [wrong, none]) {
      await expect(checkRegistry(config)).rejects.toThrow(AuthenticationError);
      const registry = createRegistry(config);
      await expect(registry.subjects()).rejects.toThrow(AuthenticationError);
      await expect(withRegistry(config, () => registry.getLatestSchemaId(`${prefix}probe-value`))).rejects.toThrow(AuthenticationError);
    }
    const err = await checkRegistry(wrong).catch((e: unknown) => e);
    expect((err as AuthenticationError).exitCode).toBe(2);
    expect((err as Error).message).toBe(`schema registry at ${proxy.url} refused the connection: HTTP 401, credentials missing or wrong (check registry.username and the password)`);
  });

  it('topics apply registers through the proxy with the password from env, and prints no secret', async () => {
    const env = { SCHEMA_REGISTRY_URL: proxy.url, SCHEMA_REGISTRY_USERNAME: 'pipeline', SCHEMA_REGISTRY_PASSWORD: PASSWORD };
    const ok = await runCli(['--topic-prefix', prefix, 'topics', 'apply'], env);
    expect(ok.code, ok.output.slice(-2000)).toBe(0);
    expect(ok.output).not.toContain(PASSWORD);
    expect(await createRegistry(shared).subjects()).toContain(`${prefix}news.raw-value`);
    const refused = await runCli(['--topic-prefix', prefix, 'topics', 'apply'], { ...env, SCHEMA_REGISTRY_PASSWORD: WRONG });
    expect(refused.code).toBe(2);
    expect(refused.output).toMatch(/error: schema registry at .* refused the connection: HTTP 401/);
    expect(refused.output).not.toContain(WRONG);
  });

  it('credentials refused mid-stream: the sink sends nothing to the DLQ, reports and retries, and lands the records once accepted again', async () => {
    const streamPrefix = uniquePrefix('regauth-stream');
    const kafka = createKafka(testConnections().kafka, 'test-regauth-stream');
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const db = await freshDatabase({ migrate: true });
    const signals = topicName('signals', streamPrefix);
    const env = { SCHEMA_REGISTRY_URL: proxy.url, SCHEMA_REGISTRY_USERNAME: 'pipeline', SCHEMA_REGISTRY_PASSWORD: PASSWORD, DATABASE_URL: db.url };
    await applyTopics(admin, createRegistry(shared), streamPrefix);
    const sink = await runComponent(['--topic-prefix', streamPrefix, '--candle-interval', '1m', 'run', 'sink'], { sink: { groupId: `${streamPrefix}sink` } }, env);
    onTestFailed(async () => console.error(`[regauth] sink output:\n${sink.logs().slice(-30).map((l) => JSON.stringify(l)).join('\n')}\nretries: kafka ${await sink.metric('ops_pipeline_service_retries_total', { service: 'kafka' })} registry ${await sink.metric('ops_pipeline_service_retries_total', { service: 'registry' })}`));
    try {
      // A fresh encoder per record: it writes with the subject's latest schema id at that time.
      const send = async (id: string, extra: Record<string, unknown> = {}) => {
        const encoder = new RecordEncoder(createRegistry(shared), streamPrefix);
        await producer.send({ topic: signals, acks: -1, messages: [await encoder.message('signals', { ...SAMPLES.signals, signal_id: id.padEnd(64, '0'), ...extra })] });
      };
      const rows = async () => {
        const client = await connectClient(db.url);
        try {
          return (await client.query<{ signal_id: string }>('SELECT signal_id FROM dispatch_recommendations ORDER BY 1')).rows.map((r) => r.signal_id.slice(0, 6));
        } finally {
          await client.end();
        }
      };
      await send('before');
      await sink.waitFor('the first record landed', async () => (await rows()).includes('before'));

      // The password is rotated on the registry side, and a record comes with a schema id the
      // sink has not seen: it must ask the registry, which now refuses it.
      proxy.setPassword(WRONG);
      await registerNextVersion(shared.url, streamPrefix, 'signals', 'rotation_note');
      await send('during', { rotation_note: null });
      await sink.waitFor('the sink to report the refusal twice', async () => (await sink.metric('ops_pipeline_service_retries_total', { component: 'sink', service: 'registry' })) >= 2);
      expect(await rows()).toEqual(['before']);
      expect(sink.logs().some((l) => /401/.test(JSON.stringify(l)))).toBe(true);
      expect(JSON.stringify(sink.logs())).not.toContain(PASSWORD);

      proxy.setPassword(PASSWORD);
      await sink.waitFor('the record to land once the password is accepted again', async () => (await rows()).includes('during'));
      expect(await rows()).toEqual(['before', 'during']);
      expect(await readDlq(kafka, `${signals}.dlq`)).toEqual([]);
      expect(await sink.stop()).toBe(0);
    } finally {
      proxy.setPassword(PASSWORD);
      sink.process.kill('SIGKILL');
      await producer.disconnect();
      await deletePrefixed(admin, streamPrefix);
      await admin.disconnect();
      await deleteSubjects(shared.url, streamPrefix);
      await db.drop();
    }
  });
});
