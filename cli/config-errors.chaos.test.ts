import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../deploy/local/layout.ts';
import { freshDatabase } from '../test/database.ts';
import { testTopics, type TestTopics } from '../test/kafka.ts';

// Start-up errors of the real CLI (`run <component>`, spawned): a bad, missing or unknown
// setting, a missing secret, an unreachable service, topics that do not exist. Each exits
// with its code (2 config, 3 unreachable) and ONE line on stderr that names the key and the
// fix: no stack trace, and a secret given on the way is never echoed.

const SECRET = 'S3cretPassw0rd-never-printed';
const dir = mkdtempSync(join(tmpdir(), 'opsp-config-errors-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
// The variables a developer's shell may set; every case starts without them.
const CLEARED = /^(OPS_PIPELINE_CONFIG|KAFKA_|SCHEMA_REGISTRY_|DATABASE_|METRICS_PORT)/;
let topics: TestTopics;

/** Starts the CLI; after `killAfterMs` it is killed (exit code null). */
function startCli(args: string[], env: Record<string, string> = {}, killAfterMs = 300_000) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !CLEARED.test(k)));
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'ops-pipeline.js'), ...args], { env: { ...base, ...env }, stdio: ['ignore', 'ignore', 'pipe'], timeout: killAfterMs });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exit, stderr: () => stderr };
}

/** Runs the CLI to its exit. */
async function cli(args: string[], env: Record<string, string> = {}, killAfterMs = 300_000): Promise<{ code: number | null; stderr: string }> {
  const run = startCli(args, env, killAfterMs);
  const { code } = await run.exit;
  return { code, stderr: run.stderr() };
}

interface Case {
  name: string;
  args?: string[];
  env?: Record<string, string>;
  code: number;
  line: RegExp;
}

const sink = ['run', 'sink', '--once'];
const CASES: Case[] = [
  { name: 'DATABASE_URL not a URL', env: { DATABASE_URL: 'foo' }, code: 2, line: /^error: database\.url: expected a postgres:\/\/ URL \(set by env DATABASE_URL or --database-url, e\.g\. postgres:\/\// },
  { name: 'SCHEMA_REGISTRY_URL not a URL', env: { SCHEMA_REGISTRY_URL: 'not-a-url' }, code: 2, line: /^error: registry\.url: Invalid URL \(set by env SCHEMA_REGISTRY_URL or --registry-url, e\.g\. http:\/\// },
  { name: 'KAFKA_BROKERS without a port', env: { KAFKA_BROKERS: 'nohost' }, code: 2, line: /^error: kafka\.brokers\.0: expected host:port \(set by env KAFKA_BROKERS or --brokers/ },
  { name: 'KAFKA_BROKERS empty', env: { KAFKA_BROKERS: '' }, code: 2, line: /^error: kafka\.brokers: .*\(set by env KAFKA_BROKERS/ },
  { name: 'a secret-bearing URL of the wrong scheme', env: { DATABASE_URL: `mysql://app:${SECRET}@db/x` }, code: 2, line: /^error: database\.url: expected a postgres:\/\/ URL/ },
  { name: 'SASL user without a password', env: { KAFKA_SASL_USERNAME: 'app' }, code: 2, line: /^error: kafka\.sasl\.password: SASL needs a password \(KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE\)/ },
  { name: 'a password file that does not exist', env: { KAFKA_SASL_USERNAME: 'app', KAFKA_SASL_PASSWORD_FILE: join(dir, 'missing-password') }, code: 2, line: /^error: kafka\.sasl\.passwordFile: cannot read .*missing-password/ },
  { name: 'registry user without a password', env: { SCHEMA_REGISTRY_USERNAME: 'app' }, code: 2, line: /^error: registry\.password: basic auth needs both username and password/ },
  { name: 'an unknown key in a section', args: ['--config', file('unknown-key.yml', 'sink:\n  groupid: x\n')], code: 2, line: /^error: sink\.groupid: unknown key \[file .*unknown-key\.yml/ },
  { name: 'an unknown key in a connection section', args: ['--config', file('unknown-kafka-key.yml', 'kafka:\n  broker: ["a:1"]\n')], code: 2, line: /^error: kafka\.broker: unknown key/ },
  { name: 'an unknown section', args: ['--config', file('unknown-section.yml', 'sinks:\n  groupId: x\n')], code: 2, line: /^error: sinks: unknown section in .* \(known: kafka, registry, database, topics, rss/ },
  { name: 'a wrong type', args: ['--config', file('wrong-type.yml', 'sink:\n  concurrency: lots\n')], code: 2, line: /^error: sink\.concurrency: .*expected number, received string/ },
  { name: 'a value out of range', args: ['--config', file('out-of-range.yml', 'sink:\n  concurrency: 0\n')], code: 2, line: /^error: sink\.concurrency: Too small/ },
  { name: 'YAML that does not parse', args: ['--config', file('broken.yml', 'kafka: [\n')], code: 2, line: /^error: config file .*broken\.yml is not valid YAML: .*line 2/ },
  { name: 'a config file that does not exist', args: ['--config', join(dir, 'nope.yml')], code: 2, line: /^error: cannot read config file .*nope\.yml/ },
  { name: 'OPS_PIPELINE_CONFIG naming no file', env: { OPS_PIPELINE_CONFIG: join(dir, 'nope.yml') }, code: 2, line: /^error: cannot read config file .*nope\.yml/ },
  { name: 'a topic prefix with bad characters', args: ['--topic-prefix', 'a b'], code: 2, line: /^error: topics\.prefix: letters, digits, \. _ - only \(set by --topic-prefix/ },
  { name: 'Kafka unreachable', env: { KAFKA_BROKERS: '127.0.0.1:1' }, code: 3, line: /^error: Kafka unreachable at 127\.0\.0\.1:1: .*ECONNREFUSED .*services status/ },
  { name: 'the registry unreachable, credentials in its URL', env: { SCHEMA_REGISTRY_URL: `http://app:${SECRET}@127.0.0.1:1/apis/ccompat/v7` }, code: 3, line: /^error: schema registry unreachable at http:\/\/127\.0\.0\.1:1\/apis\/ccompat\/v7/ },
  { name: 'topics missing (a mistyped prefix)', args: ['--topic-prefix', 'no-such-prefix.'], code: 2, line: /^error: topics\.prefix: 10 topic\(s\) missing, e\.g\. no-such-prefix\.news\.raw: create them with `npx ops-pipeline --topic-prefix no-such-prefix\. topics apply`, or fix the prefix/ },
];

beforeAll(async () => {
  topics = await testTopics('config-errors');
});

afterAll(async () => {
  await topics?.cleanup();
});

function expectOneClearLine(stderr: string, line: RegExp): void {
  // JSON lines are logs; everything else on stderr is what the user reads.
  const plain = stderr.split('\n').filter((l) => l.trim() && !l.startsWith('{'));
  expect(plain).toEqual([expect.stringMatching(line)]);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toContain(SECRET);
}

describe('start-up errors of `run <component>`', () => {
  it.each(CASES)('$name: exit $code, one line naming the key and the fix', async ({ args = [], env = {}, code, line }) => {
    const run = await cli([...args, ...sink], env);
    expectOneClearLine(run.stderr, line);
    expect(run.code).toBe(code);
  });

  it('PostgreSQL unreachable (credentials in DATABASE_URL): exit 3, one line without the password', async () => {
    const run = await cli(['--topic-prefix', topics.prefix, ...sink], { DATABASE_URL: `postgres://app:${SECRET}@127.0.0.1:1/db` });
    expectOneClearLine(run.stderr.split('\n').filter((l) => !l.includes('"component":"kafka"')).join('\n'), /^error: PostgreSQL unreachable at 127\.0\.0\.1:1\/db: .*ECONNREFUSED/);
    expect(run.stderr).not.toContain(SECRET);
    expect(run.code).toBe(3);
  });

  it('a metrics port already in use: the component stops, exit 2, one line (never running unmonitored)', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
    const port = (taken.address() as AddressInfo).port;
    const db = await freshDatabase({ migrate: true });
    // Not --once: a sink left running without its metrics would never exit (killed after 60 s).
    const run = await cli(['--topic-prefix', topics.prefix, 'run', 'sink'], { METRICS_PORT: String(port), DATABASE_URL: db.url }, 60_000);
    taken.close();
    await db.drop();
    expectOneClearLine(run.stderr, new RegExp(`^error: METRICS_PORT: cannot serve metrics on port ${port}: listen EADDRINUSE`));
    expect(run.code).toBe(2);
  });

  it('a database not created yet: exit 2, one line saying to run migrate', async () => {
    const run = await cli(['--topic-prefix', topics.prefix, ...sink], { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/opsp_never_created' });
    expectOneClearLine(run.stderr, /^error: database\.url: database "opsp_never_created" does not exist at 127\.0\.0\.1:5432\/opsp_never_created: create it and its tables with `npx ops-pipeline migrate`/);
    expect(run.code).toBe(2);
  });

  it('a start waiting for Kafka stops on SIGTERM with exit code 0 (as a running component does)', async () => {
    const run = startCli(['run', 'sink'], { KAFKA_BROKERS: '127.0.0.1:1' }, 60_000);
    while (!/Kafka unreachable at start; waiting for it/.test(run.stderr())) {
      if (run.child.exitCode !== null) throw new Error(`exited before waiting:\n${run.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    run.child.kill('SIGTERM');
    expect(await run.exit, run.stderr()).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toMatch(/"signal":"SIGTERM".*"msg":"stopped while waiting for kafka"/);
  });

  it('a component setting checked after the services (classify model folder): exit 2, one line', async () => {
    const run = await cli(['--topic-prefix', topics.prefix, 'run', 'classify', '--once', '--model', join(dir, 'no-model')]);
    expectOneClearLine(run.stderr, /^error: classify\.modelDir: .*no-model is not a model folder \(needs model\.onnx, vocab\.txt, config\.json\)/);
    expect(run.code).toBe(2);
  });
});

/** How long this machine's Node takes from spawn to running the first line of a script. */
async function nodeBootMs(): Promise<number> {
  const started = Date.now();
  const child = spawn(process.execPath, ['-e', 'process.stdout.write("up")']);
  await new Promise((resolve) => child.stdout.once('data', resolve));
  const ms = Date.now() - started;
  await new Promise((resolve) => child.once('exit', resolve));
  return ms;
}

describe('SIGTERM during the start of `run sink`', () => {
  // A supervisor may stop an instance at any moment of its start: while Node loads the CLI, while
  // the CLI hands the signals to the command, during preflight or the group join. Each moment must
  // end in a clean stop (exit 0) within seconds, never death by the signal or a lost signal.
  it('at every moment of the start: exit 0 within seconds', async () => {
    const db = await freshDatabase({ migrate: true });
    const args = ['--topic-prefix', topics.prefix, 'run', 'sink'];
    const env = { DATABASE_URL: db.url, LOG_LEVEL: 'info' };
    const startedAt = Date.now();
    const whole = startCli(args, env, 60_000);
    while (!/"msg":"sink running"/.test(whole.stderr())) {
      if (whole.child.exitCode !== null) throw new Error(`exited before running:\n${whole.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const startMs = Date.now() - startedAt;
    whole.child.kill('SIGTERM');
    expect(await whole.exit, whole.stderr()).toEqual({ code: 0, signal: null });
    // Fractions of this machine's start time, dense around the end of loading (about 0.7-0.9),
    // none before Node itself runs a script: until then no program can listen for a signal, and
    // its default action is the only one (seen once in CI at 0.1 of a fast start).
    const bootMs = await nodeBootMs();
    const outcomes: string[] = [];
    for (const share of [0.1, 0.3, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0, 1.1]) {
      const run = startCli(args, env, 60_000);
      await new Promise((resolve) => setTimeout(resolve, Math.max(share * startMs, 2 * bootMs)));
      run.child.kill('SIGTERM');
      const signalledAt = Date.now();
      const exit = await Promise.race([run.exit, new Promise((resolve) => setTimeout(() => resolve('still running'), 15_000))]);
      run.child.kill('SIGKILL');
      outcomes.push(`${share}: ${JSON.stringify(exit)}${exit === 'still running' ? '' : ` after ${Date.now() - signalledAt} ms`}`);
    }
    await db.drop();
    for (const o of outcomes) expect(o, outcomes.join('\n')).toMatch(/: \{"code":0,"signal":null\} after \d+ ms$/);
  }, 300_000);
});

