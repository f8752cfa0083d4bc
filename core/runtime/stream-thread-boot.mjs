// A stream thread run from the TypeScript sources (tests, benches): tsx's loader first, then
// the CLI's entry, which runs the thread. The bundled CLI needs neither.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.opsPipelineStreamThread.entry);
