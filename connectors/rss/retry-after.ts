import { parseHttpDate } from './http-date.ts';

/**
 * How long a 429 or 503 asks us to wait, ms from `now`: Retry-After is delay-seconds or an
 * HTTP date (RFC 9110 §10.2.3). A date already past is 0; an absent or unreadable header is
 * null (the caller backs off as for any failure). The caller caps it: a publisher's typo must
 * not stop a feed for a year.
 */
export function retryAfterMs(header: string | null | undefined, now: number): number | null {
  const text = header?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = parseHttpDate(text);
  return at === null ? null : Math.max(0, at - now);
}
