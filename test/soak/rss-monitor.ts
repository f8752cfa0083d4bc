import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { startComponent } from '../chaos/component-process.ts';

// A pipeline component as a child process (the chaos helpers' startComponent) with its
// resident set size sampled from /proc/<pid>/status ten times a second (often enough for a run
// of two seconds to show its curve): what the soak reports as peak RSS and checks for growth.
// Its output (logs and summary) is kept in a file at exit.

/** How often RSS is sampled. */
export const SAMPLE_MS = 100;

export interface RssSample {
  /** Seconds since the process started. */
  at: number;
  bytes: number;
}

export interface MonitoredRun {
  name: string;
  seconds: number;
  samples: RssSample[];
  peakBytes: number;
  /** The summary line it printed (`classify: … items classified …`). */
  summary: string;
}

async function vmRss(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  const kib = status?.match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1];
  return kib ? Number(kib) * 1024 : null;
}

export class MonitoredComponent {
  readonly done: Promise<MonitoredRun>;
  private readonly process;

  constructor(
    readonly name: string,
    args: string[],
    logFile: string,
    env: NodeJS.ProcessEnv = {},
  ) {
    const started = Date.now();
    const samples: RssSample[] = [];
    this.process = startComponent(args, env);
    const pid = this.process.child.pid!;
    const sample = async () => {
      const bytes = await vmRss(pid);
      if (bytes !== null) samples.push({ at: (Date.now() - started) / 1000, bytes });
    };
    const timer = setInterval(() => void sample(), SAMPLE_MS);
    void sample();
    this.done = this.process.exited.then(async (exit) => {
      clearInterval(timer);
      const output = this.process.output();
      writeFileSync(logFile, output);
      if (exit.code !== 0) throw new Error(`${name} exited with ${exit.code ?? exit.signal}; see ${logFile}:\n${output.slice(-3000)}`);
      const summary = output.split('\n').filter((l) => l.startsWith(`${name}: `)).pop() ?? '';
      return { name, seconds: (Date.now() - started) / 1000, samples, peakBytes: Math.max(0, ...samples.map((s) => s.bytes)), summary };
    });
    // A failure is reported by whoever awaits `done`; never as an unhandled rejection.
    this.done.catch(() => {});
  }

  /** SIGTERM: the component stops cleanly (commits what it has, then exits 0). */
  async stop(): Promise<void> {
    await this.process.kill('SIGTERM');
  }

  /** SIGKILL if still running (a failed test's cleanup). */
  async kill(): Promise<void> {
    await this.process.kill('SIGKILL');
  }
}

export interface MemoryVerdict {
  firstThirdPeak: number;
  lastThirdPeak: number;
  flat: boolean;
}

/**
 * Memory-growth check, not a speed target: the peak RSS of the last third of a run may not
 * exceed the first third's peak by more than `ratio` plus `slackBytes`. Null when the run had
 * fewer than `minSamples` samples (a second of samples) to tell growth from start-up.
 */
export function memoryVerdict(samples: RssSample[], ratio = 1.5, slackBytes = 128 * 1024 ** 2, minSamples = 10): MemoryVerdict | null {
  if (samples.length < minSamples) return null;
  const third = Math.floor(samples.length / 3);
  const peak = (xs: RssSample[]) => Math.max(...xs.map((s) => s.bytes));
  const firstThirdPeak = peak(samples.slice(0, third));
  const lastThirdPeak = peak(samples.slice(samples.length - third));
  return { firstThirdPeak, lastThirdPeak, flat: lastThirdPeak <= firstThirdPeak * ratio + slackBytes };
}
