import { z } from 'zod';

/** Section `rss` of the config file. */
export const RssConfig = z
  .object({
    // The default is a handful of public financial-news feeds for users with internet; the
    // README's demo serves the bundled samples (samples/rss) instead.
    feeds: z
      .array(z.url({ protocol: /^https?$/ }))
      .min(1)
      .default([
        'https://feeds.content.dowjones.io/public/rss/mw_topstories',
        'https://www.cnbc.com/id/100003114/device/rss/rss.html',
        'https://finance.yahoo.com/news/rssindex',
        'https://www.investing.com/rss/news_25.rss',
        'https://feeds.a.dj.com/rss/RSSMarketsMain.xml',
      ])
      .describe('RSS or Atom feeds to poll (http or https URLs). Flag --feed.'),
    pollIntervalSeconds: z.number().positive().default(60).describe('Seconds between two polls of the same feed, unless the publisher asks for longer (maxIntervalSeconds, maxRetryAfterSeconds).'),
    maxIntervalSeconds: z
      .number()
      .positive()
      .default(86_400)
      .describe('Cap of the interval a feed asks for: Cache-Control max-age or Expires on a 200/304, RSS <ttl> or sy:updatePeriod/sy:updateFrequency are lower bounds of its interval up to this many seconds.'),
    maxRetryAfterSeconds: z.number().positive().default(21_600).describe('Cap of a Retry-After (seconds or HTTP date) on a 429 or 503: the feed is not polled again before it, up to this many seconds.'),
    perHostConcurrency: z.number().int().min(1).max(64).default(1).describe('Requests to one host (name and port) at a time, however many of its feeds are due.'),
    hostSpacingSeconds: z.number().min(0).default(1).describe('Least time between the starts of two requests to one host.'),
    maxRedirects: z.number().int().min(0).max(20).default(5).describe('Redirects followed per poll; past them the poll fails (kind too-many-redirects). A 301/308 moves the feed for good (feeds.state moved_to); a 302/307 does not.'),
    staleAfterHours: z.number().positive().default(48).describe('A feed without a new item for this long is stale: gauge ops_pipeline_rss_feed_stale{feed}, `feeds list`, `status`.'),
    timeoutMs: z.number().int().positive().default(15_000).describe('Per-request timeout, connect to last byte.'),
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(5 * 1024 * 1024)
      .describe('Bodies larger than this are refused (the feed counts as failed and is backed off).'),
    concurrency: z.number().int().min(1).max(64).default(4).describe('Feeds fetched at once.'),
    backoffInitialSeconds: z.number().positive().default(60).describe('First backoff after the feed fails (network or HTTP error, timeout, a body too large or not a feed); it doubles per consecutive failure, with ±20% jitter.'),
    backoffMaxSeconds: z.number().positive().default(3600).describe('Upper bound of the backoff.'),
    dedupeWindow: z
      .number()
      .int()
      .min(10)
      .max(10_000)
      .default(1000)
      .describe('event_uids remembered per feed (in feeds.state), so that an item seen again is not produced again.'),
    userAgent: z.string().min(1).default('ops-pipeline/0.1 (+https://github.com/ops-pipeline)').describe('User-Agent header of the feed requests.'),
    transactionalId: z.string().default('').describe('Kafka transactional id (one running source per id); empty: `<topics.prefix>ops-pipeline-rss`.'),
  })
  .strict();
export type RssConfig = z.infer<typeof RssConfig>;
