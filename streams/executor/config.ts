import { z } from 'zod';
import { groupFields } from '../../core/runtime/processor-fields.ts';

/** Section `executor` of the config file: paper execution of PENDING signals. */
export const ExecutorConfig = z
  .object({
    ...groupFields('executor', { maxBytesPerPartition: 1_048_576 }),
    positionSize: z.number().positive().default(10_000).describe('Money per position: shares = positionSize / fill price.'),
    ttlMinutes: z.number().positive().default(60).describe('A signal fills at the open of its ticker\'s next bar if that bar starts within this many minutes of it; otherwise it is cancelled.'),
    allowedLatenessMinutes: z
      .number()
      .nonnegative()
      .default(60)
      .describe('How far other tickers\' bars may run past a quiet ticker\'s signal TTL before that signal is cancelled, in event time.'),
  })
  .strict();
export type ExecutorConfig = z.infer<typeof ExecutorConfig>;
