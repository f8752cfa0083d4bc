import { z } from 'zod';
import { ExecutorConfig } from '../executor/config.ts';
import { SignalRules } from '../signals/config.ts';

/**
 * How a backtest trades its signals: one position per traded signal, of a fixed notional, on a
 * portfolio marked to market at every bar close. The defaults are a liquid large-cap stock
 * traded as the paper executor does (no delay, its position size) with modest costs.
 */
export const TradingSettings = z
  .object({
    capital: z.number().positive().default(100_000).describe('Initial capital of the simulated portfolio: returns, drawdown and the equity curve are of it.'),
    // The executor's field, so the two cannot drift apart.
    positionSize: ExecutorConfig.shape.positionSize.describe(
      'Notional per trade, as the paper executor\'s `executor.positionSize`: shares = positionSize / fill price. Fixed whatever the equity: no compounding, no cash limit (overlapping positions lever up).',
    ),
    commissionBps: z.number().nonnegative().default(1).describe('Commission per side, in basis points of the traded notional (entry and exit each pay it).'),
    slippageBps: z.number().nonnegative().default(2).describe('Slippage per side, in basis points: a fill is this much worse than the bar\'s price (higher to buy, lower to sell).'),
    fillDelayMinutes: z
      .number()
      .nonnegative()
      .default(0)
      .describe('Fill at the open of the first bar starting at or after signal time + this delay; 0 is the first bar at or after the signal, where the paper executor fills.'),
    holdMinutes: z
      .number()
      .positive()
      .optional()
      .describe('A position exits at the close of the first bar ending at or after its fill + this many minutes (unless stopped out before). Default: the first of `horizonsMinutes`.'),
    stopLossPct: z
      .number()
      .positive()
      .optional()
      .describe('Exit when the price moves this many percent against the position from the entry bar\'s open, checked on each bar\'s low (long) or high (short); absent: no stop.'),
    takeProfitPct: z
      .number()
      .positive()
      .optional()
      .describe('Exit when the price moves this many percent in favour of the position from the entry bar\'s open, checked on each bar\'s high (long) or low (short); absent: none. A bar that reaches both levels is taken as stopped out.'),
    overlap: z
      .boolean()
      .default(false)
      .describe('Whether a ticker may hold several positions at once; false skips (and counts) a signal on a ticker whose position is still open.'),
  })
  .strict();
export type TradingSettings = z.infer<typeof TradingSettings>;

/** A backtest settings file: the signal rules, the horizons to score at, how to trade and what to compare with. */
export const BacktestSettings = z
  .object({
    rules: SignalRules.default(SignalRules.parse({})).describe('The signal rules to replay with, keys as in `signals.rules`.'),
    horizonsMinutes: z
      .array(z.number().int().positive())
      .min(1)
      .default([60, 1440])
      .describe('Forward-return horizons in minutes for the signals\' hit rate and average return (before costs); the first one is also the default holding time.'),
    trading: TradingSettings.default(TradingSettings.parse({})).describe('How the signals are traded: capital, position size, costs, fills and exits.'),
    benchmarkTicker: z
      .string()
      .min(1)
      .optional()
      .describe('An index ticker (say SPY) whose bars in market.candles are bought and held as a benchmark, and which beta and alpha are measured against; absent: none (beta against the equal-weight benchmark).'),
  })
  .strict();
export type BacktestSettings = z.infer<typeof BacktestSettings>;

/** What scores one rule set's signals: every setting but the rules. */
export type ScoringSettings = Omit<BacktestSettings, 'rules'>;

/** Minutes a position is held: `trading.holdMinutes`, else the first horizon. */
export function holdMinutesOf(s: ScoringSettings): number {
  return s.trading.holdMinutes ?? s.horizonsMinutes[0]!;
}
