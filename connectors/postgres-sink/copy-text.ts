// PostgreSQL COPY text format: tab-separated columns, one line per row, \N for NULL, and
// backslash escapes for the four characters that would break the framing.

export type PgType = 'text' | 'timestamptz' | 'float8' | 'int8' | 'text[]' | 'jsonb';

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function escapeCopyText(s: string): string {
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : s;
}

/** An array literal for text[]: every element quoted, with " and \ escaped. */
export function pgTextArray(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** One cell: a JS value of the column's type as COPY text. */
export function copyCell(type: PgType, value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  switch (type) {
    case 'timestamptz':
      return new Date(value as number).toISOString();
    case 'float8':
    case 'int8':
      return String(value);
    case 'text[]':
      return escapeCopyText(pgTextArray(value as string[]));
    case 'text':
    case 'jsonb':
      return escapeCopyText(String(value));
  }
}
