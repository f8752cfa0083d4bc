import { FeedError } from './feed-error.ts';

// Redirects are followed by hand, so that the source can count them and tell a permanent
// move (the feed's URL changes in its state) from a temporary one (it does not).

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const PERMANENT = new Set([301, 308]);

export function isRedirect(status: number): boolean {
  return REDIRECTS.has(status);
}

export function isPermanentRedirect(status: number): boolean {
  return PERMANENT.has(status);
}

/** The absolute http(s) URL a redirect from `from` points to; a missing or non-HTTP Location fails the poll. */
export function redirectTarget(status: number, location: string | null, from: string): string {
  if (!location) throw new FeedError('http', `HTTP ${status} without a Location header`, { status });
  let target: URL;
  try {
    target = new URL(location, from);
  } catch (err) {
    throw new FeedError('http', `HTTP ${status} to an unreadable Location ${JSON.stringify(location.slice(0, 200))}`, { status, cause: err });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new FeedError('http', `HTTP ${status} to a non-HTTP URL (${target.protocol})`, { status });
  target.hash = '';
  return target.href;
}
