import { z } from 'zod';

/** Section `executor` of the config file: paper execution of PENDING signals. */
export const ExecutorConfig = z
  .object({
    groupId: z.string().min(1).default('ops-pipeline-executor'),
    transactionalId: z.string().min(1).default('ops-pipeline-executor'),
    /** Money per position: shares = positionSize / fill price. */
    positionSize: z.number().positive().default(10_000),
    /** A signal not filled by a bar starting within this many minutes is cancelled. */
    ttlMinutes: z.number().positive().default(60),
    /** How far other tickers' bars may run ahead of a quiet ticker's before its signal is cancelled. */
    allowedLatenessMinutes: z.number().nonnegative().default(60),
    /** Candles read back per partition on start, to fill signals whose next bar came first. */
    stateTailRecords: z.number().int().min(100).default(20_000),
    /** --once: stop after this long without new input. */
    idleExitMs: z.number().int().min(100).default(3000),
    /** Consumer session timeout: how long a dead instance holds its partitions (the broker allows 6 s and up). */
    sessionTimeoutMs: z.number().int().min(6000).default(30_000),
  })
  .strict();
export type ExecutorConfig = z.infer<typeof ExecutorConfig>;
