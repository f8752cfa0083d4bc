import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The checkout the code runs from: the nearest folder above this module with ops-pipeline's
// package.json. Found, not computed from this file's depth, because the CLI runs as one bundle
// (bin/ops-pipeline.js) from elsewhere in the tree; the schemas, migrations and data files are
// read from here.

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'ops-pipeline') return dir;
    if (dirname(dir) === dir) throw new Error(`no ops-pipeline package.json above ${from}`);
  }
}

export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
