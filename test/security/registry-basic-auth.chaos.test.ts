import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnections } from '../../core/config.ts';
import { AuthenticationError } from '../../core/errors.ts';
import { createKafka } from '../../core/kafka.ts';
import { checkRegistry, createRegistry, withRegistry } from '../../core/registry.ts';
import { deletePrefixed, deleteSubjects, testConnections, uniquePrefix } from '../kafka.ts';
import { startBasicAuthProxy, type BasicAuthProxy } from './basic-auth-proxy.ts';
import { runCli } from './run-cli.ts';

// The registry client with HTTP basic auth, against the real registry behind nginx's
// auth_basic: the right credentials register and read schemas (through the library and our
// own REST calls), wrong or missing ones are an AuthenticationError naming the registry.

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
});
