// One line per target: the figure, its ratio against a baseline measured in the same run, the
// target and the verdict. Benches call `verdict`, which prints the line at once and keeps it;
// `npm run bench` prints every kept line again at the end, so one run's figures read in one place.

export interface Verdict {
  /** The bench that measured it (`sink`, `classify`, …). */
  bench: string;
  /** What was compared, as a reader says it: `sink / bare COPY`. */
  figure: string;
  /** The measured value: a ratio, a rate, seconds, MiB. */
  value: number;
  /** How to print the value: `x` for a ratio (2 decimals), else the unit (rows/s, s, MiB). */
  unit: string;
  /** `>=` or `<=`, and the bound. Omitted for a figure shown without a target (a ceiling, say). */
  target?: { op: '>=' | '<='; bound: number };
  /** The figures it came from, printed beside it: `109,000 vs 230,000 rows/s`. */
  detail?: string;
  /** Why a missed target was missed, with its measurement. */
  why?: string;
}

const kept: Verdict[] = [];

export function met(v: Verdict): boolean | undefined {
  if (!v.target) return undefined;
  return v.target.op === '>=' ? v.value >= v.target.bound : v.value <= v.target.bound;
}

function show(value: number, unit: string): string {
  if (unit === 'x') return `${value.toFixed(2)}x`;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
}

export function formatVerdict(v: Verdict, withBench = false): string {
  const ok = met(v);
  const target = v.target ? `target ${v.target.op} ${show(v.target.bound, v.unit)}` : '';
  const status = ok === undefined ? '' : ok ? 'met' : 'MISSED';
  const head = `${withBench ? `${v.bench.padEnd(9)} ` : ''}${v.figure.padEnd(34)} ${show(v.value, v.unit).padStart(16)}   ${target.padEnd(24)} ${status.padEnd(6)}`;
  const tail = [v.detail, ok === false && v.why ? `why: ${v.why}` : undefined].filter(Boolean).join('; ');
  return `${head}${tail ? `  ${tail}` : ''}`.trimEnd();
}

/** Prints one verdict line now and keeps it for the run's summary. */
export function verdict(v: Verdict): void {
  kept.push(v);
  console.log(`  ${formatVerdict(v)}`);
}

export function keptVerdicts(): readonly Verdict[] {
  return kept;
}
