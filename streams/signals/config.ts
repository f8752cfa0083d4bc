import { z } from 'zod';
import { groupFields } from '../../core/runtime/processor-fields.ts';

/** Section `signals` of the config file (or a file of its own via `--rules`): the decision rules. */
export const SignalRules = z
  .object({
    /** Half-life of a news item's weight in the ticker's sentiment, minutes of event time. */
    halfLifeMinutes: z.number().positive().default(120),
    /** News older than this many half-lives no longer counts (and is forgotten). */
    horizonHalfLives: z.number().positive().default(8),
    /** BUY when the decayed net sentiment reaches this (a sum of signed model probabilities). */
    buyThreshold: z.number().positive().default(0.8),
    /** SELL when it falls to minus this. */
    sellThreshold: z.number().positive().default(0.8),
    /** News items within the horizon needed before any signal. */
    minNews: z.number().int().min(1).default(1),
    /** Bars of price context: the return and the volume ratio are taken over them. */
    lookbackBars: z.number().int().min(1).default(5),
    /** No BUY after a fall (no SELL after a rise) larger than this over the lookback, percent. */
    maxAdverseMovePct: z.number().nonnegative().default(3),
    /** Bar volume relative to the lookback's mean volume needed to act (0 = any). */
    minVolumeRatio: z.number().nonnegative().default(0),
    /** After a signal, the same action on the same ticker waits this long (event time). */
    cooldownMinutes: z.number().nonnegative().default(240),
    /** Records up to this much older than the newest seen are still on time. */
    allowedLatenessSeconds: z.number().nonnegative().default(300),
  })
  .strict()
  .refine((r) => r.horizonHalfLives * r.halfLifeMinutes > 0, { message: 'horizon must be positive' });
export type SignalRules = z.infer<typeof SignalRules>;

/** Section `signals` of the config file: the processor's settings and its rules. */
export const SignalsConfig = z
  .object({
    ...groupFields('signals', { maxBytesPerPartition: 1_048_576 }),
    rules: SignalRules.default(SignalRules.parse({})),
  })
  .strict();
export type SignalsConfig = z.infer<typeof SignalsConfig>;
