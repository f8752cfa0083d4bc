import { z } from 'zod';
import { BacktestSettings, type ScoringSettings } from '../config.ts';

// A sweep's grid file: the backtest settings (horizons, trading, benchmark), with each signal
// rule given one value or a list of values to try, and how to rank and draw the results.

const GridValue = z.union([z.number(), z.boolean(), z.string()]);

/** The figures of the report a sweep can rank by (stats.performance). */
export const RANKABLE = ['totalReturn', 'annualisedReturn', 'sharpe', 'sortino', 'calmar', 'hitRate', 'profitFactor', 'maxDrawdown'] as const;
export type RankMetric = (typeof RANKABLE)[number];

export const GridSettings = BacktestSettings.omit({ rules: true })
  .extend({
    rules: z
      .record(z.string(), z.union([GridValue, z.array(GridValue)]))
      .default({})
      .describe('Signal rules as in `signals.rules`, each one value or a list of values: the rule sets are the product of the lists.'),
    rankBy: z.enum(RANKABLE).default('sharpe').describe('The figure the results are ranked by, best first (maxDrawdown: smallest first); a rule set without it ranks last.'),
    heatmap: z
      .object({ x: z.string(), y: z.string() })
      .strict()
      .optional()
      .describe('The two swept rules of the heatmap; default the first two lists of `rules`.'),
  })
  .strict();
export type GridSettings = z.infer<typeof GridSettings>;

/** The settings every rule set of the grid is scored with: all but the rules and the ranking. */
export function scoringOf(grid: GridSettings): ScoringSettings {
  const { rules: _rules, rankBy: _rank, heatmap: _heatmap, ...scoring } = grid;
  return scoring;
}
