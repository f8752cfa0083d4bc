import { z } from 'zod';
import { groupFields } from '../../core/runtime/processor-fields.ts';

/** Section `executor` of the config file: paper execution of PENDING signals. */
export const ExecutorConfig = z
  .object({
    ...groupFields('executor', { maxBytesPerPartition: 1_048_576 }),
    /** Money per position: shares = positionSize / fill price. */
    positionSize: z.number().positive().default(10_000),
    /** A signal not filled by a bar starting within this many minutes is cancelled. */
    ttlMinutes: z.number().positive().default(60),
    /** How far other tickers' bars may run ahead of a quiet ticker's before its signal is cancelled. */
    allowedLatenessMinutes: z.number().nonnegative().default(60),
  })
  .strict();
export type ExecutorConfig = z.infer<typeof ExecutorConfig>;
