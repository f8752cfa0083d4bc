import { parseFeedDate } from './feed-dates.ts';

// HTTP dates (RFC 9110 §5.6.7) in Retry-After and Expires: IMF-fixdate and the obsolete RFC 850
// form are RFC 822 dates the feed-date parser reads; asctime carries no zone and means GMT.

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Epoch ms, or null when the text is not an HTTP date. */
export function parseHttpDate(text: string | null | undefined): number | null {
  if (!text) return null;
  const rfc822 = parseFeedDate(text);
  if (rfc822 !== null) return rfc822;
  // asctime: "Sun Nov  6 08:49:37 1994"
  const m = /^[A-Za-z]{3} ([A-Za-z]{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(text.trim());
  const month = m ? MONTHS.indexOf(m[1]!.toLowerCase()) : -1;
  return m && month >= 0 ? Date.UTC(+m[6]!, month, +m[2]!, +m[3]!, +m[4]!, +m[5]!) : null;
}
