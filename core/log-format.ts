// A JSON log line as a person reads it on a terminal: time, level, component, message, and the
// other fields as key=value. Machines (files, pipes, collectors) get the JSON itself.

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields every line has, or that the line's head shows already. */
const HEAD = new Set(['level', 'time', 'msg', 'app', 'component', 'pid', 'hostname']);

function fieldText(v: unknown): string {
  if (typeof v === 'string') return /[\s="]/.test(v) || v === '' ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** One pino JSON line as text; a line that is not JSON is kept as it is. */
export function prettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
  const level = (LEVELS[entry.level as number] ?? String(entry.level)).padEnd(5);
  const component = typeof entry.component === 'string' ? `${entry.component}: ` : '';
  const fields = Object.entries(entry)
    .filter(([k, v]) => !HEAD.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${fieldText(v)}`);
  return `${[time, level, `${component}${String(entry.msg ?? '')}`, ...fields].filter(Boolean).join(' ')}\n`;
}

/** Pretty on a terminal, JSON otherwise; LOG_FORMAT=json or pretty decides instead. */
export function wantsPretty(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): boolean {
  if (env.LOG_FORMAT === 'json') return false;
  if (env.LOG_FORMAT === 'pretty') return true;
  return Boolean(isTTY);
}
