import { z } from 'zod';
import { SignalRules } from '../signals/config.ts';

/** A backtest settings file: the signal rules, and the horizons to score at. */
export const BacktestSettings = z
  .object({
    rules: SignalRules.default(SignalRules.parse({})).describe('The signal rules to replay with, keys as in `signals.rules`.'),
    horizonsMinutes: z.array(z.number().int().positive()).min(1).default([60, 1440]).describe('Forward-return horizons in minutes; the first one drives the equity curve.'),
  })
  .strict();
export type BacktestSettings = z.infer<typeof BacktestSettings>;
