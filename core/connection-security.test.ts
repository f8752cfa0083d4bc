import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConnections } from './config.ts';
import { ConfigError } from './errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'opsp-security-'));
const SECRET = 'pa55:w@rd/%-that must never print';
const secretFile = join(dir, 'secret');
writeFileSync(secretFile, `${SECRET}\n`);
const pem = join(dir, 'ca.pem');
writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const notPem = join(dir, 'not.pem');
writeFileSync(notPem, 'hello');

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConnections({ env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('Kafka TLS and SASL settings', () => {
  it('are off by default, and empty env variables (Compose `${X:-}`) count as unset', () => {
    for (const env of [{}, { KAFKA_SSL: '', KAFKA_SASL_USERNAME: '', KAFKA_SASL_PASSWORD: '', SCHEMA_REGISTRY_USERNAME: '', DATABASE_SSLMODE: '' }]) {
      const c = loadConnections({ env });
      expect(c.kafka.ssl).toBeUndefined();
      expect(c.kafka.sasl).toBeUndefined();
      expect(c.registry.auth).toBeUndefined();
      expect(c.database.url).toBe('postgres://postgres@127.0.0.1:5432/ops_pipeline');
    }
  });

  it('read the password from env or from a *_FILE, and the CA from its file', () => {
    const fromEnv = loadConnections({ env: { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: SECRET, KAFKA_SSL: 'true' } });
    expect(fromEnv.kafka.sasl?.password.reveal()).toBe(SECRET);
    expect(fromEnv.kafka.sasl?.mechanism).toBe('scram-sha-512');
    expect(fromEnv.kafka.ssl).toMatchObject({ enabled: true, rejectUnauthorized: true });
    const fromFile = loadConnections({
      env: { KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD_FILE: secretFile, KAFKA_SSL_CA_FILE: pem },
    });
    expect(fromFile.kafka.sasl).toMatchObject({ mechanism: 'scram-sha-256', username: 'u' });
    expect(fromFile.kafka.sasl?.password.reveal()).toBe(SECRET); // without the file's trailing newline
    expect(fromFile.kafka.ssl?.enabled).toBe(true); // a CA file implies TLS
    expect(fromFile.kafka.ssl?.ca).toContain('BEGIN CERTIFICATE');
  });

  const bad: Array<{ name: string; env: NodeJS.ProcessEnv; key: string; message: RegExp }> = [
    { name: 'SASL without a password', env: { KAFKA_SASL_USERNAME: 'u' }, key: 'kafka.sasl.password', message: /needs a password/ },
    { name: 'a missing password file', env: { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD_FILE: join(dir, 'nope') }, key: 'kafka.sasl.passwordFile', message: /cannot read .*nope \(ENOENT\)/ },
    { name: 'password and password file', env: { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: SECRET, KAFKA_SASL_PASSWORD_FILE: secretFile }, key: 'kafka.sasl.passwordFile', message: /not both/ },
    { name: 'an unknown mechanism', env: { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: SECRET }, key: 'kafka.sasl.mechanism', message: /scram-sha-512/ },
    { name: 'a CA file that is not PEM', env: { KAFKA_SSL_CA_FILE: notPem }, key: 'kafka.ssl.caFile', message: /not a PEM file/ },
    { name: 'a certificate without its key', env: { KAFKA_SSL_CERT_FILE: pem }, key: 'kafka.ssl.keyFile', message: /go together/ },
    { name: 'TLS files with TLS off', env: { KAFKA_SSL: 'false', KAFKA_SSL_CA_FILE: pem }, key: 'kafka.ssl.enabled', message: /disabled/ },
    { name: 'SASL/PLAIN without TLS', env: { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: SECRET }, key: 'kafka.sasl.mechanism', message: /clear text/ },
    { name: 'a KAFKA_SSL that is no boolean', env: { KAFKA_SSL: 'maybe' }, key: 'kafka.ssl.enabled', message: /boolean/ },
  ];
  it.each(bad)('stop start-up on $name, naming the key and never the secret', ({ env, key, message }) => {
    const err = configError(env);
    expect(err.key).toBe(key);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain(SECRET);
  });
});

describe('registry basic auth', () => {
  it('comes from env, a *_FILE, or the URL (which then loses its credentials)', () => {
    const env = loadConnections({ env: { SCHEMA_REGISTRY_USERNAME: 'reg', SCHEMA_REGISTRY_PASSWORD_FILE: secretFile } });
    expect(env.registry.auth?.username).toBe('reg');
    expect(env.registry.auth?.password.reveal()).toBe(SECRET);
    const url = loadConnections({ env: { SCHEMA_REGISTRY_URL: `http://reg:${encodeURIComponent(SECRET)}@127.0.0.1:8081/apis/ccompat/v7` } });
    expect(url.registry.url).toBe('http://127.0.0.1:8081/apis/ccompat/v7');
    expect(url.registry.auth?.password.reveal()).toBe(SECRET);
    expect(loadConnections({ env: {} }).registry.auth).toBeUndefined();
  });

  it('needs both username and password', () => {
    expect(configError({ SCHEMA_REGISTRY_USERNAME: 'reg' }).key).toBe('registry.password');
    const err = configError({ SCHEMA_REGISTRY_PASSWORD: SECRET });
    expect(err.key).toBe('registry.username');
    expect(err.message).not.toContain(SECRET);
  });
});

describe('PostgreSQL TLS and password', () => {
  const base = 'postgres://app@db.example:5432/ops';

  it('leaves the URL alone when nothing is set', () => {
    expect(loadConnections({ env: { DATABASE_URL: base } }).database.url).toBe(base);
  });

  it('folds sslmode, the CA file and the password into the URL with libpq semantics', () => {
    const c = loadConnections({ env: { DATABASE_URL: base, DATABASE_SSLMODE: 'require', DATABASE_SSL_CA_FILE: pem, DATABASE_PASSWORD_FILE: secretFile } });
    const u = new URL(c.database.url);
    expect(u.searchParams.get('sslmode')).toBe('require');
    expect(u.searchParams.get('sslrootcert')).toBe(pem);
    expect(u.searchParams.get('uselibpqcompat')).toBe('true');
    expect(decodeURIComponent(u.password)).toBe(SECRET); // what node-postgres decodes it to
  });

  it("honours the URL's own sslmode, and a CA file alone means verify-full", () => {
    const own = new URL(loadConnections({ env: { DATABASE_URL: `${base}?sslmode=verify-full` } }).database.url);
    expect(own.searchParams.get('sslmode')).toBe('verify-full');
    const ca = new URL(loadConnections({ env: { DATABASE_URL: base, DATABASE_SSL_CA_FILE: pem } }).database.url);
    expect(ca.searchParams.get('sslmode')).toBe('verify-full');
  });

  it('refuses contradictions and unknown modes, naming the key', () => {
    expect(configError({ DATABASE_URL: `${base}?sslmode=disable`, DATABASE_SSLMODE: 'require' }).key).toBe('database.ssl.mode');
    expect(configError({ DATABASE_URL: base, DATABASE_SSLMODE: 'sometimes' }).key).toBe('database.ssl.mode');
    expect(configError({ DATABASE_URL: base, DATABASE_SSLMODE: 'disable', DATABASE_SSL_CA_FILE: pem }).key).toBe('database.ssl.caFile');
    const both = configError({ DATABASE_URL: 'postgres://app:other@db/ops', DATABASE_PASSWORD: SECRET });
    expect(both.key).toBe('database.password');
    expect(both.message).not.toContain(SECRET);
  });
});

it('a loaded config never shows its secrets when printed or serialised', () => {
  const c = loadConnections({
    env: { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: SECRET, SCHEMA_REGISTRY_USERNAME: 'r', SCHEMA_REGISTRY_PASSWORD: SECRET },
  });
  expect(JSON.stringify(c)).not.toContain(SECRET);
  expect(inspect(c, { depth: 10 })).not.toContain(SECRET);
  expect(`${c.kafka.sasl?.password}`).toBe('[redacted]');
});
