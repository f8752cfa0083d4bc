import { isMainThread, workerData } from 'node:worker_threads';
import { pino, type DestinationStream, type Logger } from 'pino';
import { prettyLine, wantsPretty } from './log-format.ts';

// Structured logs on stderr, so stdout stays free for command output (JSON lines, tables) that
// users pipe into other tools: JSON, or readable lines on a terminal (LOG_FORMAT decides).
// Stream threads write each line at once (sync): buffered, the threads' chunks would interleave mid-line.
const destination: DestinationStream = wantsPretty(process.env, process.stderr.isTTY)
  ? { write: (line: string) => void process.stderr.write(prettyLine(line)) }
  : pino.destination({ dest: 2, sync: !isMainThread });

export const rootLogger: Logger = pino(
  {
    level: process.env.LOG_LEVEL ?? 'info',
    // A stream thread's lines name it (core/runtime/stream-threads.ts).
    base: { app: 'ops-pipeline', ...(isMainThread ? {} : { thread: (workerData as { opsPipelineStreamThread?: { thread: number } } | undefined)?.opsPipelineStreamThread?.thread }) },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      // Secrets never reach the logs, whatever object carries them.
      // Config secrets are `Secret` objects (core/secrets.ts) and print as [redacted] anyway.
      paths: [
        'password',
        '*.password',
        '*.*.password',
        'sasl',
        '*.sasl',
        '*.ssl.key',
        'connectionString',
        '*.connectionString',
        'authorization',
        '*.authorization',
        '*.headers.authorization',
      ],
      censor: '[redacted]',
    },
  },
  destination,
);

export function logger(component: string): Logger {
  return rootLogger.child({ component });
}

export type { Logger };
