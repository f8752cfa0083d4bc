import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from '../../deploy/local/layout.ts';
import { consoleLine, type ConsoleLine } from './console-line.ts';
import type { ChildPlan } from './plan.ts';
import { afterExit, describeExit, type AfterExit, type ChildExit, type CrashLoop } from './restart-policy.ts';

// One component as a child process of `up`: its output into its log file (all of it) and onto
// the console (one line per event), started again after an exit nobody asked for, as the
// restart policy says; stopped with SIGTERM, then SIGKILL once the grace period is over.

const BIN = join(REPO_ROOT, 'bin', 'ops-pipeline.js');
/** Warning and error lines kept for the message when the child is given up. */
const LAST_LINES = 5;

export interface ChildOptions {
  logsDir: string;
  env: NodeJS.ProcessEnv;
  show(line: ConsoleLine): void;
  /** The child exited and is not started again: a crash loop, or a restart cannot help. */
  gaveUp(verdict: Extract<AfterExit, { restart: false }>): void;
  loop?: CrashLoop;
}

export class SupervisedChild {
  readonly logFile: string;
  /** The last warning and error lines of its latest start, as the console showed them. */
  readonly lastProblems: string[] = [];
  private readonly log: WriteStream;
  private process?: ChildProcess;
  private running = false;
  private exited: Promise<ChildExit> = Promise.resolve({ code: 0, signal: null });
  private readonly exitTimes: number[] = [];
  private restartTimer?: NodeJS.Timeout;
  private stopping = false;
  private starts = 0;

  constructor(
    readonly plan: ChildPlan,
    private readonly o: ChildOptions,
  ) {
    this.logFile = join(o.logsDir, `${plan.name}.log`);
    this.log = createWriteStream(this.logFile, { flags: 'a' });
  }

  /** Its process id while it runs. */
  get pid(): number | undefined {
    return this.running ? this.process?.pid : undefined;
  }

  start(): void {
    this.starts++;
    this.lastProblems.length = 0;
    // Its own process group: a Ctrl-C in the terminal reaches `up` only, which stops every child
    // with one SIGTERM (a second signal would make a child exit at once, not cleanly).
    const child = spawn(process.execPath, [BIN, ...this.plan.args], {
      cwd: process.cwd(),
      env: { ...this.o.env, ...(this.plan.metricsPort ? { METRICS_PORT: String(this.plan.metricsPort) } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.process = child;
    this.running = true;
    for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream, crlfDelay: Infinity }).on('line', (l) => this.onLine(l));
    // 'close' comes after the output is read to its end: the last lines are in before the verdict.
    this.exited = new Promise((resolve) => {
      child.once('exit', () => (this.running = false));
      child.once('close', (code, signal) => resolve({ code, signal }));
      child.once('error', (err) => {
        this.running = false;
        this.note('error', `could not start: ${err.message}`);
        resolve({ code: 1, signal: null });
      });
    });
    void this.exited.then((exit) => this.onExit(exit));
    this.note('info', this.starts === 1 ? `started (pid ${child.pid})` : `started again (pid ${child.pid}, start ${this.starts})`);
  }

  /** Stops it (SIGTERM, SIGKILL after `graceMs`); true when it was not running or exited with 0 in time. */
  async stop(graceMs: number): Promise<boolean> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.process;
    if (!child || this.pid === undefined) return true;
    child.kill('SIGTERM');
    const exit = await Promise.race([this.exited, sleep(graceMs).then(() => undefined)]);
    if (exit) {
      this.note(exit.code === 0 ? 'info' : 'warn', `stopped (${describeExit(exit)})`);
      return exit.code === 0;
    }
    this.note('error', `still running ${graceMs / 1000} s after SIGTERM: killed (SIGKILL)`);
    child.kill('SIGKILL');
    await this.exited;
    return false;
  }

  /** At once and without waiting (a second Ctrl-C, `up` itself failing). */
  kill(): void {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    if (this.pid !== undefined) this.process!.kill('SIGKILL');
  }

  /** Closes the log file once the child is gone. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.log.end(resolve));
  }

  private onLine(raw: string): void {
    this.log.write(`${raw}\n`);
    const line = consoleLine(this.plan.component, raw);
    if (!line) return;
    if (line.level !== 'info') this.remember(line.text);
    this.o.show(line);
  }

  private onExit(exit: ChildExit): void {
    if (this.stopping) return;
    const now = Date.now();
    this.exitTimes.push(now);
    const verdict = afterExit(exit, this.exitTimes, now, this.o.loop);
    if (verdict.restart) {
      this.note('warn', `exited (${describeExit(exit)}); starting again in ${(verdict.delayMs / 1000).toFixed(1)} s`);
      this.restartTimer = setTimeout(() => this.start(), verdict.delayMs);
    } else {
      this.note('error', `exited (${describeExit(exit)}); not started again`);
      this.o.gaveUp(verdict);
    }
  }

  /** A line of `up`'s own about this child: on the console, and in its log file as a JSON log line. */
  private note(level: ConsoleLine['level'], msg: string): void {
    this.log.write(`${JSON.stringify({ level: { info: 30, warn: 40, error: 50 }[level], time: new Date().toISOString(), app: 'ops-pipeline', component: 'up', msg })}\n`);
    this.o.show({ level, text: msg });
  }

  private remember(text: string): void {
    this.lastProblems.push(text);
    if (this.lastProblems.length > LAST_LINES) this.lastProblems.shift();
  }
}
