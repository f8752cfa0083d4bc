import { z } from 'zod';
import { groupFields, joinFields } from '../../core/runtime/processor-fields.ts';
import { DEFAULT_MAX_DISTANCE, DEFAULT_WINDOW_MINUTES } from '../story/same-story.ts';

/** The decision rules: `signals.rules` of the config file, and `rules:` of a backtest's `--settings` file. */
export const SignalRules = z
  .object({
    halfLifeMinutes: z.number().positive().default(120).describe('Half-life of a news item\'s weight in its ticker\'s sentiment, in minutes of event time.'),
    horizonHalfLives: z.number().positive().default(8).describe('News older than this many half-lives no longer counts (and is forgotten).'),
    buyThreshold: z.number().positive().default(0.8).describe('BUY when the decayed net sentiment (a sum of signed model probabilities) reaches this.'),
    sellThreshold: z.number().positive().default(0.8).describe('SELL when the decayed net sentiment falls to minus this.'),
    minNews: z.number().int().min(1).default(1).describe('News items within the horizon needed before any signal.'),
    lookbackBars: z.number().int().min(1).default(5).describe('Bars of price context: the return and the volume ratio are taken over them.'),
    maxAdverseMovePct: z.number().nonnegative().default(3).describe('No BUY after a fall (no SELL after a rise) larger than this over the lookback, in percent.'),
    minVolumeRatio: z.number().nonnegative().default(0).describe('Bar volume relative to the lookback\'s mean volume needed to act (0: any).'),
    cooldownMinutes: z.number().nonnegative().default(240).describe('After a signal, the same action on the same ticker waits this long (event time).'),
    allowedLatenessSeconds: z.number().nonnegative().default(300).describe('Records up to this much older, in event time, than the newest seen on any input are on time; older ones are counted late and not used.'),
    storyWindowMinutes: z
      .number()
      .nonnegative()
      .default(DEFAULT_WINDOW_MINUTES)
      .describe('Copies of one story (one wire item from several feeds) published within this many minutes of an earlier copy count once, as the earliest; 0 counts every item.'),
    storyMaxDistance: z
      .number()
      .int()
      .min(0)
      .max(256)
      .default(DEFAULT_MAX_DISTANCE)
      .describe('Two items about a ticker are copies of one story when their story keys (256-bit SimHash of the headline) differ in at most this many bits; 0 takes only headlines equal after normalisation.'),
  })
  .strict()
  .refine((r) => r.horizonHalfLives * r.halfLifeMinutes > 0, { message: 'horizon must be positive' });
export type SignalRules = z.infer<typeof SignalRules>;

/** Section `signals` of the config file: the processor's settings and its rules. */
export const SignalsConfig = z
  .object({
    ...groupFields('signals', { maxBytesPerPartition: 1_048_576 }),
    ...joinFields(),
    rules: SignalRules.default(SignalRules.parse({})).describe('The decision rules; a backtest takes the same keys.'),
  })
  .strict();
export type SignalsConfig = z.infer<typeof SignalsConfig>;
