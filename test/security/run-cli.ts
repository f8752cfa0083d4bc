import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../deploy/local/layout.ts';

export interface CliRun {
  code: number;
  /** stdout and stderr together: command output and every JSON log line. */
  output: string;
}

/**
 * Runs `ops-pipeline …` as a child process with extra env (secrets, TLS settings) and
 * LOG_LEVEL=debug, so a test sees everything a user's log would hold.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'ops-pipeline.js'), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'debug', ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}
