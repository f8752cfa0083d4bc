#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so a fresh clone needs no build step.
import process from 'node:process';

// A signal while the CLI still loads (tsx itself, then the CLI it compiles: a second or two on a
// busy machine): nothing has started, so stopping is clean. cli/main.ts takes the signals over
// once it has loaded. tsx is imported after this, not before: its loading is part of the window.
function stopBeforeLoad() {
  process.exit(0);
}
process.on('SIGTERM', stopBeforeLoad);
process.on('SIGINT', stopBeforeLoad);

const { register } = await import('tsx/esm/api');
register();
await import('../cli/main.ts');
