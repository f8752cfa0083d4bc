import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkTopLevelKeys, loadConnections, loadSection } from './config.ts';
import { ConfigError } from './errors.ts';

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'opsp-config-'));
  const file = join(dir, 'ops-pipeline.yml');
  writeFileSync(file, text);
  return file;
}

describe('loadConnections', () => {
  const cases: Array<{ name: string; env: NodeJS.ProcessEnv; overrides?: Record<string, unknown>; brokers: string[]; db: string }> = [
    { name: 'defaults', env: {}, brokers: ['127.0.0.1:9092'], db: 'postgres://postgres@127.0.0.1:5432/ops_pipeline' },
    { name: 'env', env: { KAFKA_BROKERS: 'a:1, b:2', DATABASE_URL: 'postgresql://x@y/z' }, brokers: ['a:1', 'b:2'], db: 'postgresql://x@y/z' },
    {
      name: 'flags win over env',
      env: { KAFKA_BROKERS: 'a:1' },
      overrides: { kafka: { brokers: ['c:3'] } },
      brokers: ['c:3'],
      db: 'postgres://postgres@127.0.0.1:5432/ops_pipeline',
    },
  ];
  it.each(cases)('$name', ({ env, overrides, brokers, db }) => {
    const c = loadConnections({ env, overrides });
    expect(c.kafka.brokers).toEqual(brokers);
    expect(c.database.url).toBe(db);
  });

  const bad: Array<{ name: string; env: NodeJS.ProcessEnv; key: string }> = [
    { name: 'broker without port', env: { KAFKA_BROKERS: 'localhost' }, key: 'kafka.brokers.0' },
    { name: 'registry not a URL', env: { SCHEMA_REGISTRY_URL: 'not a url' }, key: 'registry.url' },
    { name: 'database not postgres', env: { DATABASE_URL: 'mysql://x' }, key: 'database.url' },
  ];
  it.each(bad)('rejects $name naming the key', ({ env, key }) => {
    expect(() => loadConnections({ env })).toThrow(ConfigError);
    try {
      loadConnections({ env });
    } catch (err) {
      expect((err as ConfigError).key).toBe(key);
    }
  });

  it('file values are overridden by env', () => {
    const file = configFile('kafka:\n  brokers: ["f:1"]\ndatabase:\n  url: postgres://file/db\n');
    const c = loadConnections({ file, env: { DATABASE_URL: 'postgres://env/db' } });
    expect(c.kafka.brokers).toEqual(['f:1']);
    expect(c.database.url).toBe('postgres://env/db');
  });

  it('rejects an unknown key inside a known section', () => {
    const file = configFile('kafka:\n  brokerz: ["f:1"]\n');
    expect(() => loadConnections({ file, env: {} })).toThrow(/kafka\.brokerz: unknown key/);
  });
});

describe('loadSection / checkTopLevelKeys', () => {
  const Spec = z.object({ pollSeconds: z.number().int().positive().default(60) }).strict();

  it('applies defaults and file values', () => {
    expect(loadSection('rss', Spec, { env: {} })).toEqual({ pollSeconds: 60 });
    const file = configFile('rss:\n  pollSeconds: 5\n');
    expect(loadSection('rss', Spec, { file, env: {} })).toEqual({ pollSeconds: 5 });
  });

  it('names the bad key of a section', () => {
    const file = configFile('rss:\n  pollSeconds: -1\n');
    expect(() => loadSection('rss', Spec, { file, env: {} })).toThrow(/^rss\.pollSeconds: /);
  });

  it('rejects an unknown top-level section', () => {
    const file = configFile('rsss:\n  pollSeconds: 5\n');
    expect(() => checkTopLevelKeys({ file, env: {} }, ['kafka', 'rss'])).toThrow(/rsss: unknown section/);
  });

  it('reports unreadable and malformed files clearly', () => {
    expect(() => loadSection('rss', Spec, { file: '/nonexistent/x.yml', env: {} })).toThrow(/cannot read config file/);
    const file = configFile('rss: [unclosed\n');
    expect(() => loadSection('rss', Spec, { file, env: {} })).toThrow(/not valid YAML/);
  });
});
