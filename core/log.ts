import { pino, type Logger } from 'pino';

// Structured JSON logs on stderr, so stdout stays free for command output (JSON lines,
// tables) that users pipe into other tools.
export const rootLogger: Logger = pino(
  {
    level: process.env.LOG_LEVEL ?? 'info',
    base: { app: 'ops-pipeline' },
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
  pino.destination(2),
);

export function logger(component: string): Logger {
  return rootLogger.child({ component });
}

export type { Logger };
