// Feed dates come in RFC 822 (RSS), ISO 8601 (Atom) and many odd variants. A date is
// normalised to UTC only when it says which zone it is in; anything ambiguous or
// unparseable becomes null (with a warning by the caller), never a guessed, shifted time.

const NAMED_ZONES: Record<string, string> = {
  UT: '+0000', UTC: '+0000', GMT: '+0000', Z: '+0000',
  EST: '-0500', EDT: '-0400', CST: '-0600', CDT: '-0500', MST: '-0700', MDT: '-0600', PST: '-0800', PDT: '-0700',
  CET: '+0100', CEST: '+0200', BST: '+0100', IST: '+0530', JST: '+0900', AEST: '+1000', AEDT: '+1100',
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function offsetMinutes(zone: string): number | null {
  const named = NAMED_ZONES[zone.toUpperCase()];
  const z = named ?? zone;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(z);
  if (!m) return null;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, offset: number): number | null {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const t = Date.UTC(y, mo, d, h, mi, Math.min(s, 59), ms) - offset * 60_000;
  const check = new Date(Date.UTC(y, mo, d));
  return check.getUTCDate() === d ? t : null;
}

/** News older than this is a publisher's bug (a zeroed or default date), not news. */
export const EARLIEST_PLAUSIBLE = Date.UTC(1990, 0, 1);
/** Clocks and zones are off by hours, never by days: later than this after the fetch is a bug. */
export const MAX_FUTURE_MS = 24 * 3600 * 1000;

/**
 * Why a readable date cannot be the item's event time, else null. Such a date would move
 * the signals watermark to the far future (every later input then counts as late) or make
 * a negative Kafka timestamp, which the broker refuses for the whole batch.
 */
export function implausibleDate(publishedAt: number, fetchedAt: number): string | null {
  if (publishedAt < EARLIEST_PLAUSIBLE) return 'before 1990';
  if (publishedAt > fetchedAt + MAX_FUTURE_MS) return 'more than a day after the fetch';
  return null;
}

/** Epoch ms in UTC, or null when the text is not a date with a known zone. */
export function parseFeedDate(text: string | null | undefined): number | null {
  if (!text) return null;
  const s = text.trim().replace(/\s+/g, ' ');
  // ISO 8601 with a zone: 2024-01-02T14:30:00Z, 2024-01-02 14:30:00+01:00, fractional seconds.
  let m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})$/i.exec(s);
  if (m) {
    const off = offsetMinutes(m[8]!.toUpperCase());
    const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
    return off === null ? null : utc(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0), ms, off);
  }
  // RFC 822 / 1123 and common variants: [Tue,] 2 Jan 2024 14:30[:00] GMT|+0000|EST
  m = /^(?:[A-Za-z]{3,9},?\s*)?(\d{1,2})[\s-]([A-Za-z]{3,9})[\s-](\d{2,4}) (\d{1,2}):(\d{2})(?::(\d{2}))?\s*([A-Za-z]{1,5}|[+-]\d{2}:?\d{2})$/.exec(s);
  if (m) {
    const month = MONTHS.indexOf(m[2]!.slice(0, 3).toLowerCase());
    const off = offsetMinutes(m[7]!);
    let year = +m[3]!;
    if (year < 100) year += year < 50 ? 2000 : 1900;
    return month < 0 || off === null ? null : utc(year, month, +m[1]!, +m[4]!, +m[5]!, +(m[6] ?? 0), 0, off);
  }
  return null;
}
