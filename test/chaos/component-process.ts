import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../../deploy/local/layout.ts';
import { seededRandom } from '../../core/seeded-random.ts';

// A pipeline component as a real child process (`node bin/ops-pipeline.js run …`), so a
// fault test can SIGKILL it at any instruction, exactly as an OOM killer or a power cut would.

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ComponentProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  /** Everything it wrote to stdout and stderr so far (JSON log lines and the summary). */
  output(): string;
  running(): boolean;
  kill(signal?: NodeJS.Signals): Promise<Exit>;
}

/** Writes a YAML config file (component sections, topics prefix) and returns its path. */
export function writeConfig(config: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'opsp-chaos-')), 'config.yml');
  writeFileSync(file, stringify(config));
  return file;
}

export function startComponent(args: string[], env: NodeJS.ProcessEnv = {}): ComponentProcess {
  return startProcess(process.execPath, [join(REPO_ROOT, 'bin', 'ops-pipeline.js'), ...args], { LOG_LEVEL: 'info', ...env });
}

/** Any program as a child process, its output kept (e.g. a Prometheus of the test's own). */
export function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv = {}): ComponentProcess {
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    // Bounded: the tail is what a failing test needs.
    if (out.length > 4_000_000) out = out.slice(-2_000_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let alive = true;
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => ((alive = false), resolve({ code, signal }))));
  return {
    child,
    exited,
    output: () => out,
    running: () => alive,
    async kill(signal = 'SIGKILL') {
      if (alive) child.kill(signal);
      return exited;
    },
  };
}

/** Runs to its own end (`--once`); throws with the output's tail when the exit code is not 0. */
export async function runToEnd(args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const p = startComponent(args, env);
  const exit = await p.exited;
  if (exit.code !== 0) throw new Error(`ops-pipeline ${args.join(' ')} exited ${exit.code ?? exit.signal}:\n${p.output().slice(-4000)}`);
  return p.output();
}

/**
 * Waits until `progress()` reaches `threshold` while the process runs, then SIGKILLs it.
 * Returns the progress seen at the kill, or undefined when the process ended first.
 */
export async function killAtProgress(p: ComponentProcess, progress: () => Promise<number>, threshold: number): Promise<number | undefined> {
  while (p.running()) {
    const seen = await progress().catch(() => 0);
    if (seen >= threshold) {
      await p.kill('SIGKILL');
      return seen;
    }
    await sleep(25);
  }
  return undefined;
}

/** Seeded randomness: the same seed gives the same kill points. */
export const seeded = seededRandom;

/** `count` increasing kill points spread over (0, total), seeded. */
export function killPoints(seed: number, count: number, total: number): number[] {
  const r = seeded(seed);
  return Array.from({ length: count }, (_, i) => Math.floor(((i + 0.2 + r() * 0.6) / count) * total * 0.9)).sort((a, b) => a - b);
}

/**
 * Starts the component once per kill point and SIGKILLs it when `progress()` reaches that point;
 * returns the progress seen at each kill. A process that ends before its point fails the test.
 */
export async function killAtEach(args: string[], progress: () => Promise<number>, points: number[], env?: NodeJS.ProcessEnv): Promise<number[]> {
  const seen: number[] = [];
  for (const point of points) {
    const p = startComponent(args, env);
    const at = await killAtProgress(p, progress, point);
    if (at === undefined) throw new Error(`ops-pipeline ${args.join(' ')} ended (${JSON.stringify(await p.exited)}) before progress ${point}:\n${p.output().slice(-4000)}`);
    seen.push(at);
  }
  return seen;
}

/** One killed run: the progress it started from, saw at the kill, and left once it was gone. */
export interface Kill {
  from: number;
  at: number;
  left: number;
}

/**
 * Like killAtEach, but each run is killed only after `ownProgress` (default 1) of its own: with
 * plain points, a point the earlier runs already passed kills a run on its first poll, before it
 * did any work. Returns each run's progress, so a test can check that the kill landed mid-work.
 */
export async function killRunsAt(
  args: string[],
  progress: () => Promise<number>,
  points: number[],
  opts: { env?: NodeJS.ProcessEnv; ownProgress?: number } = {},
): Promise<Kill[]> {
  const kills: Kill[] = [];
  for (const point of points) {
    const from = await progress();
    const threshold = Math.max(point, from + (opts.ownProgress ?? 1));
    const p = startComponent(args, opts.env);
    const at = await killAtProgress(p, progress, threshold);
    if (at === undefined) throw new Error(`ops-pipeline ${args.join(' ')} ended (${JSON.stringify(await p.exited)}) before progress ${threshold}:\n${p.output().slice(-4000)}`);
    kills.push({ from, at, left: await progress() });
  }
  return kills;
}

/** Sum of a consumer group's committed offsets over these topics (what it has made final). */
export async function committedOffsets(admin: Admin, groupId: string, topics: string[]): Promise<number> {
  let sum = 0;
  for (const topic of topics) {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    for (const p of offsets?.partitions ?? []) sum += Math.max(0, Number(p.offset));
  }
  return sum;
}

/** Sum of the samples of a metric (name with optional `{labels}`) a component serves on METRICS_PORT. */
export async function scrapeMetric(port: number, name: string): Promise<number> {
  const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return body
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/**
 * Polls `check` until it holds; throws with the output's tail when a process it depends on ends
 * first, and says what it waited for when `timeoutMs` passes (not the test's bare timeout).
 */
export async function waitFor(what: string, check: () => Promise<boolean>, running: ComponentProcess[] = [], timeoutMs = 300_000): Promise<void> {
  // A check that hangs (a client still reconnecting) must not keep the processes from being looked at.
  const bounded = () => Promise.race([check().catch(() => false), sleep(30_000).then(() => false)]);
  const deadline = Date.now() + timeoutMs;
  while (!(await bounded())) {
    const gone = running.find((p) => !p.running());
    if (gone) throw new Error(`a component exited while waiting for ${what}:\n${gone.output().slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}

/**
 * What `read` returns once `complete` says so, or its last result after `timeoutMs`. A topic read
 * at read_committed right after its writers stopped can still miss their last transaction: its
 * commit markers reach the partitions after the commit returned (later on a loaded broker), and
 * a transaction a process left open holds its partition back until the coordinator aborts it.
 */
export async function settled<T>(read: () => Promise<T>, complete: (value: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (complete(value) || Date.now() > deadline) return value;
    await sleep(1000);
  }
}
