import { parseHttpDate } from './http-date.ts';

/** The response headers a lifetime is read from (the fetch `Headers`). */
export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * How long a 200 or 304 says its content stays fresh, ms, or null when it does not say.
 * Cache-Control max-age wins over Expires (RFC 9111 §4.2.1), less the Age a cache in between
 * already held it; Expires counts from the response's own Date, so a clock apart from the
 * publisher's does not stretch or shrink it. no-store and no-cache ask for no lower bound.
 */
export function cacheLifetimeMs(headers: HeaderReader, now: number): number | null {
  const directives = new Map(
    (headers.get('cache-control') ?? '')
      .split(',')
      .map((d) => d.trim().toLowerCase().split('='))
      .filter(([name]) => name)
      .map(([name, value]) => [name!, value?.replace(/^"|"$/g, '')]),
  );
  if (directives.has('no-store') || directives.has('no-cache')) return null;
  const maxAge = directives.get('max-age');
  if (maxAge !== undefined && /^\d+$/.test(maxAge)) {
    const age = Number(headers.get('age') ?? 0);
    return Math.max(0, Number(maxAge) - (Number.isFinite(age) ? age : 0)) * 1000;
  }
  const expires = headers.get('expires');
  if (expires === null) return null;
  // An Expires that is no date ("0", "-1") means already expired (RFC 9111 §5.3).
  const at = parseHttpDate(expires);
  if (at === null) return 0;
  return Math.max(0, at - (parseHttpDate(headers.get('date')) ?? now));
}
