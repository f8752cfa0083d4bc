// How much the best of N rule sets flatters itself. Under no skill at all, each rule set's
// Sharpe ratio estimated over T periods is about normal with standard error √(1/T) per period;
// the expected maximum of N such draws is about √(2 ln N) standard errors (the extreme-value
// approximation Bailey and López de Prado use for the deflated Sharpe ratio). Annualised:
// × √(periods per year). A best in-sample Sharpe below that bar is what luck alone gives.

export function luckySharpe(ruleSets: number, periods: number, periodsPerYear: number): number | null {
  if (ruleSets < 2 || periods < 2) return null;
  return Math.sqrt(2 * Math.log(ruleSets)) * Math.sqrt(periodsPerYear / periods);
}

/** The warning a sweep prints: stronger the more rule sets were tried. */
export function selectionWarning(ruleSets: number, periods: number, periodsPerYear: number): string {
  if (ruleSets < 2) return 'One rule set: no selection among rule sets flatters the figures.';
  const bar = luckySharpe(ruleSets, periods, periodsPerYear);
  const level = ruleSets >= 100 ? 'Strong warning' : ruleSets >= 10 ? 'Warning' : 'Note';
  const luck =
    bar === null
      ? `With ${periods} periodic returns a train window is too short to say how much luck alone would give`
      : `With no skill at all, the best of them would show an annualised Sharpe ratio of about ${bar.toFixed(2)} over ${periods} periods by luck alone`;
  return `${level}: ${ruleSets} rule sets were tried. ${luck}; in-sample figures of the best rule set are flattered by this choice. Judge it by the out-of-sample figures.`;
}
