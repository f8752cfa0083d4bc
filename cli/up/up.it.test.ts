import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKafka } from '../../core/kafka.ts';
import { isAlive } from '../../deploy/local/process.ts';
import { MODELS_DIR } from '../../streams/classify/model/sentiment-model.ts';
import { startComponent, waitFor, writeConfig, type ComponentProcess } from '../../test/chaos/component-process.ts';
import { freshDatabase } from '../../test/database.ts';
import { deletePrefixed, deleteSubjects, testConnections, uniquePrefix } from '../../test/kafka.ts';
import { COMPONENTS } from '../components.ts';

// `ops-pipeline up --sample` as a user runs it: every component of the registry a child
// process, the bundled sample through all of them into PostgreSQL, one prefixed console and a
// log file per component; SIGTERM stops them all cleanly. A component that crashes at every
// start (a corrupt model for classify) stops everything, named, with a non-zero exit code.

const conn = testConnections();
const prefixes: string[] = [];
const dirs: string[] = [];
let db: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  // Not migrated: `up` applies the migrations itself.
  db = await freshDatabase();
});

afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await db?.drop();
  const admin = createKafka(conn.kafka, 'test-up').admin();
  await admin.connect();
  for (const p of prefixes) await deletePrefixed(admin, p);
  await admin.disconnect();
  for (const p of prefixes) await deleteSubjects(conn.registry.url, p);
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'opsp-up-'));
  dirs.push(d);
  return d;
}

interface Up {
  process: ComponentProcess;
  logs: string;
  /** What it printed on stdout: the console. */
  console(): string;
}

function up(globalArgs: string[] = []): Up {
  const prefix = uniquePrefix('up');
  prefixes.push(prefix);
  const logs = tempDir();
  const p = startComponent([...globalArgs, '--topic-prefix', prefix, '--database-url', db.url, 'up', '--sample', '--sample-port', '0', '--logs', logs]);
  let out = '';
  p.child.stdout!.on('data', (chunk: Buffer) => void (out += chunk.toString('utf8')));
  return { process: p, logs, console: () => out };
}

async function counts(): Promise<{ raw: number; candles: number; classified: number }> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT (SELECT count(*)::int FROM inbound_events_raw) AS raw, (SELECT count(*)::int FROM lane_telemetry) AS candles,
      (SELECT count(*)::int FROM inbound_events_classified) AS classified`);
    return rows[0];
  } finally {
    await client.end();
  }
}

const pids = (console: string) => [...console.matchAll(/\| started(?: again)? \(pid (\d+)/g)].map((m) => Number(m[1]));

it('runs every component live on the sample until SIGTERM stops them all cleanly', async () => {
  const run = up();
  // The sample, as the demo test counts it: 313 headlines, 59 daily bars, each headline classified.
  await waitFor('the sample in PostgreSQL', async () => {
    const c = await counts();
    return c.raw >= 313 && c.candles >= 59 && c.classified >= 313;
  }, [run.process], 90_000);
  expect(await counts()).toEqual({ raw: 313, candles: 59, classified: 313 });

  const exit = await run.process.kill('SIGTERM');
  const console = run.console();
  expect(exit, run.process.output().slice(-3000)).toEqual({ code: 0, signal: null });
  expect(console).toMatch(/^up +\| every component stopped cleanly$/m);

  // One console: every line is prefixed by `up` or a child's name, the children's JSON made short.
  const names = ['up', ...COMPONENTS.map((c) => c.name)];
  const lines = console.trimEnd().split('\n');
  expect(lines.filter((l) => !names.includes(l.split(' | ')[0]!.trim()))).toEqual([]);
  expect(console).not.toMatch(/"level":/);
  expect(console).toMatch(/^classify +\| (classify: )?313 items classified, 0 to DLQ$/m);
  expect(console).toMatch(/^rss +\| WARN feed failed; backing off .*unrecognized\.rss/m);
  expect(console).toContain(`logs: ${run.logs}/<component>.log`);

  // Every child gone, each with its full JSON log.
  const started = pids(console);
  expect(started).toHaveLength(COMPONENTS.length);
  expect(started.filter((pid) => isAlive(pid))).toEqual([]);
  for (const c of COMPONENTS) {
    const log = readFileSync(join(run.logs, `${c.name}.log`), 'utf8');
    expect(log).toContain(`"component":"${c.name}"`);
  }
});

it('stops everything when a component crashes at every start, naming it and its error', async () => {
  const model = tempDir();
  for (const f of ['vocab.txt', 'config.json']) cpSync(join(MODELS_DIR, 'compact-finsent', f), join(model, f));
  writeFileSync(join(model, 'model.onnx'), 'not a model');
  const run = up(['--config', writeConfig({ classify: { modelDir: model } })]);
  const exit = await run.process.exited;
  const output = run.process.output();
  expect(exit.code, output.slice(-3000)).toBe(1);
  expect(output).toMatch(/error: classify exited 5 times within 60 s \(last: exit code 1\): a crash loop; every component was stopped/);
  expect(output).toMatch(/the warnings and errors of its last start:\n(.*\n)*.*Failed to load model because protobuf parsing failed/);
  expect(output).toContain(`its full log: ${join(run.logs, 'classify.log')}`);
  expect(run.console()).toMatch(/^classify +\| WARN exited \(exit code 1\); starting again in \d/m);
  expect(run.console().match(/^classify +\| started again/gm)).toHaveLength(4);
  expect(pids(run.console()).filter((pid) => isAlive(pid))).toEqual([]);
  expect(existsSync(join(run.logs, 'sink.log'))).toBe(true);
});
