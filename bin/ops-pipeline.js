#!/usr/bin/env node
// Runs the TypeScript CLI from its sources, so a fresh clone needs no build step: esbuild makes
// them one ES module (in well under a second) and this process imports it. A bundle and not a
// loader hook such as tsx's: Node runs module hooks on a thread of their own, a second V8 heap
// that costs every component about 60 MiB for as long as it runs.
import process from 'node:process';

// A signal while the CLI still loads: nothing has started, so stopping is clean. cli/main.ts
// takes the signals over once it has loaded. Everything else is imported after this: until a
// listener exists, a SIGTERM kills the process (node:crypto alone takes tens of milliseconds).
function stopBeforeLoad() {
  process.exit(0);
}
process.on('SIGTERM', stopBeforeLoad);
process.on('SIGINT', stopBeforeLoad);

const { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = await import('node:fs');
const { createHash } = await import('node:crypto');
const { dirname, join } = await import('node:path');
const { fileURLToPath, pathToFileURL } = await import('node:url');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, 'node_modules', '.cache', 'ops-pipeline');
/** Bundles of older sources are removed once this old (a running process may still read its map). */
const STALE_MS = 24 * 3600_000;

/** Bundles the sources and writes the bundle beside its map; returns its path. */
async function bundle() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(root, 'cli', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Dependencies are imported from node_modules as they are, not copied into the bundle.
    packages: 'external',
    sourcemap: 'linked',
    outdir: cache,
    entryNames: 'main',
    write: false,
    logLevel: 'error',
  });
  await esbuild.stop();

  // Named by its content: instances starting at once write the same file, each by an atomic rename.
  const code = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.js.map'));
  const name = `main-${createHash('sha256').update(code.contents).digest('hex').slice(0, 16)}`;
  const file = join(cache, `${name}.mjs`);
  mkdirSync(cache, { recursive: true });
  const place = (path, text) => {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  };
  place(`${file}.map`, map.text);
  place(file, code.text.replace(/\/\/# sourceMappingURL=main\.js\.map\s*$/, `//# sourceMappingURL=${name}.mjs.map\n`));
  for (const f of readdirSync(cache)) {
    if (f.startsWith(name)) continue;
    const path = join(cache, f);
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
    } catch {
      // Another instance removed it first.
    }
  }
  return file;
}

// Stack traces name the TypeScript sources and lines.
process.setSourceMapsEnabled(true);
// In a function: the bundle's text is not kept for the life of the process.
await import(pathToFileURL(await bundle()).href);
