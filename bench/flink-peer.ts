import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

// The sink bench's Flink peer: Apache Flink's JDBC sink in upsert mode (Table API, PRIMARY KEY,
// Postgres dialect → INSERT … ON CONFLICT DO UPDATE), in a local mini-cluster, reading the same
// topic into the same table. The job is the Maven project in bench/flink-peer/; this driver builds
// it when its jar is absent, runs it in a child JVM, and checks the rows it left behind.
//
// A missing java or mvn, or a build (dependency resolution) that fails, is a skip with the real
// error text, so the bench prints why; a job that runs and fails, or lands the wrong number of
// rows, is an error.

const PROJECT = join(dirname(fileURLToPath(import.meta.url)), 'flink-peer');
const JAR = join(PROJECT, 'target', 'flink-peer.jar');
const CLASSPATH = join(PROJECT, 'target', 'classpath.txt');
const MAIN = 'dev.opspipeline.bench.flinkpeer.FlinkJdbcUpsertPeer';

// What Flink's own launcher passes on Java 17 (env.java.opts.all of its default config).
const JAVA17_OPENS = [
  '--add-exports=java.base/sun.net.util=ALL-UNNAMED',
  '--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED',
  '--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED',
  ...['java.lang', 'java.net', 'java.io', 'java.nio', 'sun.nio.ch', 'java.lang.reflect', 'java.text', 'java.time', 'java.util', 'java.util.concurrent', 'java.util.concurrent.atomic', 'java.util.concurrent.locks'].map(
    (p) => `--add-opens=java.base/${p}=ALL-UNNAMED`,
  ),
];

export interface FlinkPeerOptions {
  bootstrap: string;
  registryUrl: string;
  topic: string;
  /** postgres:// URL of the (migrated) database holding lane_telemetry. */
  dbUrl: string;
  expectedRows: number;
  /** Job parallelism (Kafka readers and sink writers); env FLINK_PEER_PARALLELISM, default 2. */
  parallelism?: number;
  /** sink.buffer-flush.max-rows; env FLINK_PEER_FLUSH_MAX_ROWS, default 5000. */
  flushMaxRows?: number;
  /** Checkpoint interval (the JDBC sink flushes on each); env FLINK_PEER_CHECKPOINT_MS, default 10000. */
  checkpointIntervalMs?: number;
  /**
   * Extra pgjdbc URL properties, e.g. `reWriteBatchedInserts=true` (pgjdbc's own tuning, off in
   * Flink's and pgjdbc's defaults); env FLINK_PEER_JDBC_PARAMS, default none.
   */
  jdbcParams?: string;
  /** The whole run, build excluded; default 600 s. */
  timeoutMs?: number;
}

export type FlinkPeerResult = { rows: number; seconds: number; startupSeconds: number; peakRssMiB?: number } | { skipped: string };

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

function run(cmd: string, args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; onSpawn?: (pid: number) => void } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = o.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), o.timeoutMs) : undefined;
    child.once('spawn', () => child.pid && o.onSpawn?.(child.pid));
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr, error });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** The first [ERROR] lines of a Maven run (where it says what failed), else its tail. */
function mavenError(r: Ran): string {
  const out = `${r.stdout}\n${r.stderr}`;
  const boilerplate = /re-run Maven|For more information|\[Help 1\] http|^\s*$/;
  const errors = out.split('\n').filter((l) => l.includes('[ERROR]') && !boilerplate.test(l.replace(/.*\[ERROR\]\s*/, '')));
  return (errors.length ? errors.slice(0, 6).join('\n') : tail(out)).replace(ANSI_COLOUR, '');
}

/**
 * postgres://user:pass@host:port/db?x=y → the JDBC URL and the credentials apart. Flink's
 * connector wants username and password both or neither, so a user without a password
 * (trust auth) travels in the URL as pgjdbc's `user` property.
 */
export function jdbcConnection(dbUrl: string): { url: string; username?: string; password?: string } {
  const u = new URL(dbUrl);
  const params = new URLSearchParams(u.search);
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  if (username && !password) params.set('user', username);
  const query = params.toString();
  const url = `jdbc:postgresql://${u.host || '127.0.0.1:5432'}${u.pathname}${query ? `?${query}` : ''}`;
  return { url, ...(username && password ? { username, password } : {}) };
}

/** The newest modification time among the pom and the sources. */
function newestSource(dir = join(PROJECT, 'src')): number {
  let newest = statSync(join(PROJECT, 'pom.xml')).mtimeMs;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the job's jar and classpath file with Maven when absent or older than the sources; a reason to skip, or null. */
async function ensureBuilt(): Promise<string | null> {
  if (existsSync(JAR) && existsSync(CLASSPATH) && statSync(JAR).mtimeMs >= newestSource()) return null;
  const mvn = await run('mvn', ['-v']);
  if (mvn.error) return `mvn not runnable: ${mvn.error.message}`;
  console.log('  flink-peer: building bench/flink-peer with Maven (the first build downloads ~140 MB of Flink and its connectors)…');
  const built = await run('mvn', ['-q', '-B', 'package', '-DskipTests'], { cwd: PROJECT });
  if (built.error) return `mvn failed to start: ${built.error.message}`;
  if (built.code !== 0 || !existsSync(JAR) || !existsSync(CLASSPATH)) return `Maven build of bench/flink-peer failed (exit ${built.code}):\n${mavenError(built)}`;
  return null;
}

function vmHwmKiB(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined; // not Linux, or the process is gone
  }
}

export async function runFlinkPeer(opts: FlinkPeerOptions): Promise<FlinkPeerResult> {
  const java = await run('java', ['-version']);
  if (java.error) return { skipped: `java not runnable: ${java.error.message}` };
  const notBuilt = await ensureBuilt();
  if (notBuilt) return { skipped: notBuilt };

  const env = process.env;
  const parallelism = opts.parallelism ?? Number(env.FLINK_PEER_PARALLELISM ?? 2);
  const flushMaxRows = opts.flushMaxRows ?? Number(env.FLINK_PEER_FLUSH_MAX_ROWS ?? 5000);
  const checkpointMs = opts.checkpointIntervalMs ?? Number(env.FLINK_PEER_CHECKPOINT_MS ?? 10_000);
  const db = jdbcConnection(opts.dbUrl);
  const jdbcParams = opts.jdbcParams ?? env.FLINK_PEER_JDBC_PARAMS ?? '';
  if (jdbcParams) db.url += `${db.url.includes('?') ? '&' : '?'}${jdbcParams}`;
  const classpath = `${JAR}:${readFileSync(CLASSPATH, 'utf8').trim()}`;
  const jvmOpts = (env.FLINK_PEER_JAVA_OPTS ?? '-Xmx1g').split(/\s+/).filter(Boolean);
  const args = [
    ...jvmOpts,
    ...JAVA17_OPENS,
    // lane_telemetry.ts is timestamptz; the job writes UTC wall-clock timestamps and pgjdbc
    // tells the server the JVM's zone, so the JVM runs in UTC.
    '-Duser.timezone=UTC',
    '-cp',
    classpath,
    MAIN,
    '--bootstrap', opts.bootstrap,
    '--registry', opts.registryUrl,
    '--topic', opts.topic,
    '--jdbc-url', db.url,
    ...(db.username ? ['--username', db.username] : []),
    '--parallelism', String(parallelism),
    '--flush-max-rows', String(flushMaxRows),
    '--checkpoint-interval-ms', String(checkpointMs),
  ];

  let peakKiB: number | undefined;
  let sampler: NodeJS.Timeout | undefined;
  const ran = await run('java', args, {
    // The password travels in the environment, not on a command line that ps shows.
    env: { ...env, ...(db.password ? { FLINK_PEER_DB_PASSWORD: db.password } : {}) },
    timeoutMs: opts.timeoutMs ?? 600_000,
    onSpawn: (pid) => {
      sampler = setInterval(() => {
        const kib = vmHwmKiB(pid);
        if (kib !== undefined) peakKiB = Math.max(peakKiB ?? 0, kib);
      }, 200);
    },
  });
  clearInterval(sampler);
  if (ran.error) return { skipped: `java failed to start: ${ran.error.message}` };
  const line = /^FLINK_PEER .*$/m.exec(ran.stdout)?.[0];
  if (ran.code !== 0 || !line) {
    throw new Error(`Flink peer job failed (exit ${ran.code ?? ran.signal}):\n${tail(ran.stderr || ran.stdout, 25)}`);
  }
  const field = (name: string) => Number(new RegExp(`\\b${name}=([\\d.]+)`).exec(line)?.[1]);
  const seconds = field('seconds');
  const startupSeconds = field('startup_seconds');

  const client = new pg.Client({ connectionString: opts.dbUrl });
  await client.connect();
  let rows: number;
  try {
    rows = (await client.query('SELECT count(*)::int AS n FROM lane_telemetry')).rows[0].n;
  } finally {
    await client.end();
  }
  if (rows !== opts.expectedRows) throw new Error(`Flink peer landed ${rows} rows in lane_telemetry, expected ${opts.expectedRows} (${line})`);
  return { rows, seconds, startupSeconds, ...(peakKiB ? { peakRssMiB: Math.round(peakKiB / 1024) } : {}) };
}
