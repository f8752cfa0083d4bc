import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../core/repo-root.ts';

// The CLI runs as one bundle of its sources, made as it starts (bin/ops-pipeline.js).

const run = (...args: string[]) => promisify(execFile)(process.execPath, [join(REPO_ROOT, 'bin', 'ops-pipeline.js'), ...args], { cwd: '/', encoding: 'utf8' });
const CACHE = join(REPO_ROOT, 'node_modules', '.cache', 'ops-pipeline');

describe('bin/ops-pipeline.js', () => {
  it('instances started at once all run, from one bundle named by its content', async () => {
    const outs = await Promise.all([run('--help'), run('--help'), run('--help'), run('topics', '--help')]);
    for (const o of outs.slice(0, 3)) expect(o.stdout).toMatch(/^Usage: ops-pipeline/);
    expect(outs[3]!.stdout).toMatch(/^Usage: ops-pipeline topics/);
    const files = readdirSync(CACHE);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files.some((f) => /^main-[0-9a-f]{16}\.mjs$/.test(f))).toBe(true);
  });

  it('reads the schemas, migrations and data files of the checkout from any working directory', async () => {
    // The topic reference is made from schemas/avro and compared with docs/topics.md.
    const { stdout } = await run('topics', 'docs', '--check');
    expect(stdout).toMatch(/up to date/);
  });

  it('maps the bundle back to the TypeScript sources for stack traces', () => {
    const bundle = readdirSync(CACHE).find((f) => /^main-[0-9a-f]{16}\.mjs$/.test(f))!;
    expect(readFileSync(join(CACHE, bundle), 'utf8')).toMatch(new RegExp(`//# sourceMappingURL=${bundle}\\.map\\n?$`));
    const map = JSON.parse(readFileSync(join(CACHE, `${bundle}.map`), 'utf8')) as { sources: string[] };
    expect(map.sources.some((s) => s.endsWith('cli/main.ts'))).toBe(true);
  });
});
