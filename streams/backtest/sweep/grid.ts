import { SignalRules } from '../../signals/config.ts';
import { ConfigError } from '../../../core/errors.ts';

// A sweep's grid: every rule parameter with one value or a list of values; the rule sets are
// their cartesian product, in the order the file lists the parameters and their values, so the
// same file gives the same rule sets in the same order.

export type GridValue = number | boolean | string;
export type RuleGrid = Record<string, GridValue | GridValue[]>;

export interface RuleSet {
  /** `halfLifeMinutes=60 buyThreshold=0.6`: the swept parameters and their values, in grid order. */
  name: string;
  /** The swept parameters' values (the fixed ones are in `rules` only). */
  params: Record<string, GridValue>;
  rules: SignalRules;
}

const KNOWN = Object.keys(SignalRules.shape);

export function expandGrid(grid: RuleGrid, base: Partial<SignalRules> = {}): RuleSet[] {
  for (const key of Object.keys(grid)) {
    if (!KNOWN.includes(key)) throw new ConfigError(`rules.${key} is not a signal rule (known: ${KNOWN.join(', ')})`, '--grid');
  }
  const swept = Object.entries(grid).filter((e): e is [string, GridValue[]] => Array.isArray(e[1]));
  for (const [key, values] of swept) if (values.length === 0) throw new ConfigError(`rules.${key} lists no values`, '--grid');
  const fixed = Object.fromEntries(Object.entries(grid).filter(([, v]) => !Array.isArray(v)));
  let combos: Array<Record<string, GridValue>> = [{}];
  for (const [key, values] of swept) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  return combos.map((params) => {
    const name = Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ') || 'the rules as given';
    const parsed = SignalRules.safeParse({ ...base, ...fixed, ...params });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(`rule set ${name}: rules.${issue.path.join('.')}: ${issue.message}`, '--grid');
    }
    return { name, params, rules: parsed.data };
  });
}
