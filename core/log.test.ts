import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../deploy/local/layout.ts';

// The log's redaction, seen from outside: a process logs objects that carry a secret in the
// shapes our code and libraries use, and its stderr (where logs go) must not hold it.

const SECRET = 'hunter2-must-not-appear';

const SCRIPT = `
  const { logger } = await import('./core/log.ts');
  const { Secret } = await import('./core/secrets.ts');
  const log = logger('redaction-test');
  const s = ${JSON.stringify(SECRET)};
  log.info({ password: s }, 'top-level password');
  log.info({ kafka: { password: s } }, 'nested password');
  log.info({ kafka: { sasl: { mechanism: 'scram-sha-512', username: 'u', password: s } } }, 'sasl block');
  log.info({ sasl: { password: s } }, 'sasl');
  log.info({ request: { headers: { authorization: 'Basic ' + s } } }, 'headers');
  log.info({ authorization: s }, 'authorization');
  log.info({ db: { connectionString: 'postgres://u:' + s + '@h/d' } }, 'connection string');
  log.info({ registry: { auth: { username: 'u', password: new Secret(s) } } }, 'deep Secret');
  log.info({ token: new Secret(s) }, 'Secret under any name');
`;

describe('log redaction', () => {
  it('never writes passwords, SASL settings, Authorization headers, connection strings or Secret values', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'info' } });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(9); // every line was written…
    expect(r.stderr).toContain('[redacted]');
    expect(r.stderr).not.toContain(SECRET); // …and none holds the secret
  });
});
