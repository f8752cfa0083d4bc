#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so a fresh clone needs no build step.
import process from 'node:process';
import { register } from 'tsx/esm/api';

// A signal while the CLI still loads (tsx compiles it, a second or two): nothing has started,
// so stopping is clean. cli/main.ts takes the signals over once it has loaded.
function stopBeforeLoad() {
  process.exit(0);
}
process.on('SIGTERM', stopBeforeLoad);
process.on('SIGINT', stopBeforeLoad);

register();
await import('../cli/main.ts');
