import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../deploy/local/layout.ts';

// Each case is a child process that sends itself SIGTERM while its code runs synchronously (as
// a signal sent while the CLI's modules are evaluated stays pending), then hands the signals on.
// The pending signal must reach the listener that owns them by the time the loop runs again.

interface Case {
  name: string;
  script: string;
  stdout?: string;
  exit: { status: number | null; signal: NodeJS.Signals | null };
}

const PRELUDE = `
import { ownSignals, releaseSignals, takeSignalsFromLoader } from './core/signals.ts';
const said = (word) => () => { process.stdout.write(word); process.exit(0); };
function stopBeforeLoad() { process.stdout.write('loader'); process.exit(0); }
process.on('SIGTERM', stopBeforeLoad);
setTimeout(() => { process.stdout.write('lost'); process.exit(1); }, 1000);
`;

const CASES: Case[] = [
  {
    name: 'sent while the CLI loads, it reaches the command that takes the signals next',
    script: `process.kill(process.pid, 'SIGTERM'); takeSignalsFromLoader(); ownSignals(said('command'));`,
    stdout: 'command',
    exit: { status: 0, signal: null },
  },
  {
    name: 'sent before one owner hands over to the next, it reaches the next',
    script: `takeSignalsFromLoader(); const first = said('first'); ownSignals(first); process.kill(process.pid, 'SIGTERM'); ownSignals(said('second'));`,
    stdout: 'second',
    exit: { status: 0, signal: null },
  },
  {
    name: 'a command that takes no signals dies of them, as without a listener',
    script: `takeSignalsFromLoader(); process.kill(process.pid, 'SIGTERM');`,
    exit: { status: null, signal: 'SIGTERM' },
  },
  {
    name: 'released signals have their default action again',
    script: `takeSignalsFromLoader(); const owner = said('owner'); ownSignals(owner); releaseSignals(owner); process.kill(process.pid, 'SIGTERM');`,
    exit: { status: null, signal: 'SIGTERM' },
  },
  {
    name: 'a release by a listener that no longer owns them changes nothing',
    script: `takeSignalsFromLoader(); const old = said('old'); ownSignals(old); ownSignals(said('current')); releaseSignals(old); process.kill(process.pid, 'SIGTERM');`,
    stdout: 'current',
    exit: { status: 0, signal: null },
  },
];

describe('signal hand-over', () => {
  it.each(CASES)('$name', ({ script, stdout = '', exit }) => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PRELUDE + script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
    expect({ stdout: child.stdout, status: child.status, signal: child.signal }, child.stderr).toEqual({ stdout, ...exit });
  });
});
