import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

// One pipeline component (`ops-pipeline run <name> …`) as a child process, its resident set
// size sampled from /proc/<pid>/status once a second, its stdout kept and its logs (stderr)
// written to a file whose tail explains a failure.

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'ops-pipeline.js');

export interface RssSample {
  /** Seconds since the process started. */
  at: number;
  bytes: number;
}

export interface ComponentResult {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  seconds: number;
  samples: RssSample[];
  peakBytes: number;
}

async function vmRss(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  const kib = status?.match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1];
  return kib ? Number(kib) * 1024 : null;
}

export class ComponentProcess {
  readonly done: Promise<ComponentResult>;
  private readonly child: ChildProcess;

  constructor(
    readonly name: string,
    args: string[],
    readonly logFile: string,
    env: NodeJS.ProcessEnv = {},
  ) {
    const started = Date.now();
    const samples: RssSample[] = [];
    let stdout = '';
    this.child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    this.child.stderr!.pipe(createWriteStream(logFile));
    const pid = this.child.pid!;
    const sample = async () => {
      const bytes = await vmRss(pid);
      if (bytes !== null) samples.push({ at: (Date.now() - started) / 1000, bytes });
    };
    const timer = setInterval(() => void sample(), 1000);
    void sample();
    this.done = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        clearInterval(timer);
        resolve({ name, code, signal, stdout, seconds: (Date.now() - started) / 1000, samples, peakBytes: Math.max(0, ...samples.map((s) => s.bytes)) });
      });
    });
  }

  /** SIGTERM: the component stops cleanly (commits what it has, then exits). */
  stop(): void {
    this.child.kill('SIGTERM');
  }

  /** SIGKILL if still running (a failed test's cleanup). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** The last lines of its log, for a failure message. */
  logTail(lines = 20): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Waits for a clean exit (code 0); otherwise throws with the log's tail. */
  async succeeded(): Promise<ComponentResult> {
    const r = await this.done;
    if (r.code !== 0) throw new Error(`${this.name} exited with ${r.code ?? r.signal}; log tail:\n${this.logTail()}`);
    return r;
  }
}

export interface MemoryVerdict {
  firstThirdPeak: number;
  lastThirdPeak: number;
  flat: boolean;
}

/**
 * Memory-growth check, not a speed target: the peak RSS of the last third of a run may not
 * exceed the first third's peak by more than `ratio` plus `slackBytes`. Null when the run was
 * too short (fewer than `minSamples` seconds) to tell growth from start-up.
 */
export function memoryVerdict(samples: RssSample[], ratio = 1.5, slackBytes = 128 * 1024 ** 2, minSamples = 15): MemoryVerdict | null {
  if (samples.length < minSamples) return null;
  const third = Math.floor(samples.length / 3);
  const peak = (xs: RssSample[]) => Math.max(...xs.map((s) => s.bytes));
  const firstThirdPeak = peak(samples.slice(0, third));
  const lastThirdPeak = peak(samples.slice(samples.length - third));
  return { firstThirdPeak, lastThirdPeak, flat: lastThirdPeak <= firstThirdPeak * ratio + slackBytes };
}
