import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../deploy/local/layout.ts';

// SQL only through parameters or COPY, and no shell strings: a scan of the shipped source
// (tests and benchmarks excluded) for the two ways input could become code.

const SHIPPED = ['bin', 'cli', 'core', 'connectors', 'streams', 'schemas', 'migrations', 'deploy', 'examples'];

/**
 * Reviewed exceptions, by file: interpolated SQL text whose parts are not input. Keep short;
 * a new entry needs a reason a reviewer can check in the named file.
 */
const SQL_ALLOWED: Record<string, string> = {
  // Stage table and column names and types come from the declared mappings
  // (connectors/postgres-sink/mappings.ts), never from records or config.
  'connectors/postgres-sink/table-writer.ts': 'identifiers from the declared table mappings',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [path] : [];
  });
}

const files = SHIPPED.flatMap((d) => sourceFiles(join(REPO_ROOT, d))).map((path) => ({ file: relative(REPO_ROOT, path), text: readFileSync(path, 'utf8') }));

/** Template literals passed straight to a query (pg `query`, a COPY statement) that interpolate. */
function interpolatedSql(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\.query(?:<[^>]*>)?|copyFrom)\(\s*`([^`]*)`/g)) {
    // Quoting an identifier with pg's escaping is the one allowed interpolation.
    const rest = m[1]!.replace(/\$\{quoteIdent\([^()]*(?:\([^()]*\))?[^()]*\)\}/g, '');
    if (rest.includes('${')) found.push(m[0].slice(0, 120));
  }
  return found;
}

/** exec/execSync given a template literal or a concatenation, and any `shell: true`. */
function shellStrings(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?<![.\w])(?:exec|execSync)\(\s*(?:`|[^,)]*\+)/g)) found.push(m[0]);
  for (const m of text.matchAll(/shell:\s*(?:true|['"`])/g)) found.push(m[0]);
  return found;
}

describe('source safety', () => {
  it('scans the shipped source', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.file === 'core/db.ts')).toBe(true);
  });

  it('no SQL text interpolates anything but quoteIdent(...) outside the reviewed files', () => {
    const offenders = files.filter((f) => !(f.file in SQL_ALLOWED)).flatMap((f) => interpolatedSql(f.text).map((q) => `${f.file}: ${q}`));
    expect(offenders).toEqual([]);
  });

  it('every reviewed exception still exists and still needs its entry', () => {
    for (const file of Object.keys(SQL_ALLOWED)) {
      const f = files.find((x) => x.file === file);
      expect(f, file).toBeDefined();
      expect(interpolatedSql(f!.text).length, file).toBeGreaterThan(0);
    }
  });

  it('no child process is started through a shell string', () => {
    const offenders = files.flatMap((f) => shellStrings(f.text).map((s) => `${f.file}: ${s}`));
    expect(offenders).toEqual([]);
  });

  it('the scanners catch what they are for', () => {
    expect(interpolatedSql('await c.query(`SELECT * FROM t WHERE id = ${id}`)')).toHaveLength(1);
    expect(interpolatedSql('await c.query<{ n: number }>(\n  `DELETE FROM ${table}`,\n)')).toHaveLength(1);
    expect(interpolatedSql('c.query(copyFrom(`COPY ${t} FROM STDIN`))')).toHaveLength(1);
    expect(interpolatedSql('await c.query(`DROP DATABASE ${quoteIdent(name)} WHERE ${x}`)')).toHaveLength(1);
    expect(interpolatedSql('await c.query(`CREATE DATABASE ${quoteIdent(databaseName(url))}`)')).toEqual([]);
    expect(interpolatedSql("await c.query('SELECT 1 WHERE a = $1', [a])")).toEqual([]);
    expect(shellStrings('execSync(`rm -rf ${dir}`)')).toHaveLength(1);
    expect(shellStrings("exec('ls ' + dir)")).toHaveLength(1);
    expect(shellStrings("spawn('sh', args, { shell: true })")).toHaveLength(1);
    expect(shellStrings("execFileSync('openssl', ['version']); /x/.exec(s)")).toEqual([]);
  });
});
