import { z } from 'zod';

/** Section `rss` of the config file. */
export const RssConfig = z
  .object({
    /**
     * Feeds to poll. The default is a handful of public financial-news feeds for users with
     * internet; the README's demo serves the bundled samples (samples/rss) instead.
     */
    feeds: z
      .array(z.url({ protocol: /^https?$/ }))
      .min(1)
      .default([
        'https://feeds.content.dowjones.io/public/rss/mw_topstories',
        'https://www.cnbc.com/id/100003114/device/rss/rss.html',
        'https://finance.yahoo.com/news/rssindex',
        'https://www.investing.com/rss/news_25.rss',
        'https://feeds.a.dj.com/rss/RSSMarketsMain.xml',
      ]),
    /** Seconds between two polls of the same feed. */
    pollIntervalSeconds: z.number().positive().default(60),
    /** Per-request timeout, connect to last byte. */
    timeoutMs: z.number().int().positive().default(15_000),
    /** Bodies larger than this are refused (the feed is counted as broken and backed off). */
    maxBodyBytes: z.number().int().positive().default(5 * 1024 * 1024),
    /** Feeds fetched at once. */
    concurrency: z.number().int().min(1).max(64).default(4),
    /** First backoff after a failure; doubles per consecutive failure, with ±20% jitter. */
    backoffInitialSeconds: z.number().positive().default(60),
    /** Upper bound of the backoff. */
    backoffMaxSeconds: z.number().positive().default(3600),
    /** event_uids remembered per feed (in feeds.state) so an item is never produced twice. */
    dedupeWindow: z.number().int().min(10).max(10_000).default(1000),
    userAgent: z.string().min(1).default('ops-pipeline/0.1 (+https://github.com/ops-pipeline)'),
    /** Kafka transactional id (one running source per id); empty: `<topics.prefix>ops-pipeline-rss`. */
    transactionalId: z.string().default(''),
  })
  .strict();
export type RssConfig = z.infer<typeof RssConfig>;
