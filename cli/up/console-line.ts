// `up`'s one console: each line a child writes (pino JSON on stderr, plain text on stdout) as one
// short line prefixed by the child's name, e.g. `classify  | 12 items classified, 0 to DLQ`. The
// full JSON stays in the child's log file; here only the level, the message and a few fields.

export type Level = 'info' | 'warn' | 'error';

export interface ConsoleLine {
  level: Level;
  text: string;
}

/** Keys every log line has, or that the prefix already says. */
const PLAIN_KEYS = new Set(['level', 'time', 'app', 'component', 'msg', 'pid', 'hostname']);
const MAX_FIELDS = 4;
const MAX_VALUE = 80;

function levelOf(pinoLevel: unknown): Level {
  const n = Number(pinoLevel);
  return n >= 50 ? 'error' : n >= 40 ? 'warn' : 'info';
}

function shortValue(value: unknown): string {
  const err = value as { message?: unknown } | null;
  const text = typeof value === 'string' ? value : typeof err?.message === 'string' ? err.message : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** A value the message already states (a count, a name) is not repeated after it. */
function saidIn(msg: string, value: string): boolean {
  return new RegExp(`(^|[^\\w.])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w.])`).test(msg);
}

/**
 * One line of a child of component `component` as a console line; undefined for what the
 * console leaves to the log file (blank lines, the frames of a stack trace).
 */
export function consoleLine(component: string, raw: string): ConsoleLine | undefined {
  const line = raw.trimEnd();
  if (!line.trim() || /^\s+at /.test(line)) return undefined;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    // The CLI's own `error: …` line: the level tag says so already.
    return line.startsWith('error: ') ? { level: 'error', text: line.slice('error: '.length) } : { level: 'info', text: line };
  }
  if (typeof entry !== 'object' || entry === null || typeof entry.msg !== 'string') return { level: 'info', text: line };
  // `classify: 12 items classified` from component classify; `preflight: …` from another logger.
  let msg = entry.msg.startsWith(`${component}: `) ? entry.msg.slice(component.length + 2) : entry.msg;
  if (typeof entry.component === 'string' && entry.component !== component) msg = `${entry.component}: ${msg}`;
  const fields = Object.entries(entry)
    .filter(([k, v]) => !PLAIN_KEYS.has(k) && v !== undefined && v !== null)
    .map(([k, v]) => [k, shortValue(v)] as const)
    .filter(([, v]) => !saidIn(msg, v))
    .slice(0, MAX_FIELDS)
    .map(([k, v]) => `${k}=${v}`);
  return { level: levelOf(entry.level), text: [msg, ...fields].join('  ') };
}

const TAG: Record<Level, string> = { info: '', warn: 'WARN ', error: 'ERROR ' };
const COLOUR: Record<Level, string> = { info: '', warn: '\x1b[33m', error: '\x1b[31m' };

/** The line as printed: the name padded to `width`, a bar, the level tag; warnings yellow and errors red with `colour`. */
export function prefixed(name: string, width: number, line: ConsoleLine, colour: boolean): string {
  const text = `${TAG[line.level]}${line.text}`;
  return `${name.padEnd(width)} | ${colour && COLOUR[line.level] ? `${COLOUR[line.level]}${text}\x1b[0m` : text}`;
}
