// A feed's own word on how often it changes: RSS 2.0 <ttl> (minutes it may be cached), and
// the RSS 1.0 Syndication module's sy:updatePeriod / sy:updateFrequency (updates per period).

const PERIOD_MS: Record<string, number> = {
  hourly: 3_600_000,
  daily: 86_400_000,
  weekly: 7 * 86_400_000,
  monthly: 30 * 86_400_000,
  yearly: 365 * 86_400_000,
};

export interface FeedRefreshFields {
  ttl?: string | undefined;
  updatePeriod?: string | undefined;
  updateFrequency?: string | undefined;
}

function positiveInteger(text: string | undefined): number | null {
  const t = text?.trim();
  return t && /^\d+$/.test(t) && Number(t) > 0 ? Number(t) : null;
}

/** The longest interval the feed's fields ask for, ms, or null when they ask for none (or are unreadable). */
export function feedRefreshMs(fields: FeedRefreshFields): number | null {
  const hints: number[] = [];
  const ttl = positiveInteger(fields.ttl);
  if (ttl !== null) hints.push(ttl * 60_000);
  const period = PERIOD_MS[fields.updatePeriod?.trim().toLowerCase() ?? ''];
  // The module's default frequency is 1 per period.
  const frequency = fields.updateFrequency === undefined ? 1 : positiveInteger(fields.updateFrequency);
  if (period !== undefined && frequency !== null) hints.push(Math.round(period / frequency));
  return hints.length ? Math.max(...hints) : null;
}
