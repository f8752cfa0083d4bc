import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { FeedFileServer } from '../../connectors/rss/feed-file-server.ts';
import { SAMPLE_CANDLES_SETTINGS, SAMPLE_CHART_DIR, SAMPLE_INTERVAL, sampleRssSettings, serveSampleFeeds } from '../load-sample.ts';

// `up --sample`: the pipeline live on the bundled sample, offline. `up` serves the sample feeds
// on loopback for as long as it runs (the RSS source polls them like any feed: new items once,
// then 304s), and the candles source answers its chart requests from the recorded Yahoo
// responses. The children read a config file of their own: the user's, with the rss and
// candles sections pointed at the sample.

/** Arguments of `run <component>` on the sample. */
export const SAMPLE_ARGUMENTS: Readonly<Record<string, readonly string[]>> = { candles: ['--replay', SAMPLE_CHART_DIR] };
/** The recorded bars are daily. */
export const SAMPLE_CANDLE_INTERVAL = SAMPLE_INTERVAL;

export function sampleConfigFile(logsDir: string): string {
  return join(logsDir, 'sample-config.yml');
}

/**
 * Serves the feeds and writes the children's config file: the user's config file (if any)
 * with `rss` and `candles` set to the sample's.
 */
export async function startSample(userConfigFile: string | undefined, configFile: string, port?: number): Promise<FeedFileServer> {
  const feeds = await serveSampleFeeds(port);
  const user = (userConfigFile ? parse(readFileSync(userConfigFile, 'utf8')) : null) as Record<string, Record<string, unknown> | undefined> | null;
  const config = { ...user, rss: { ...user?.rss, ...sampleRssSettings(feeds) }, candles: { ...user?.candles, ...SAMPLE_CANDLES_SETTINGS } };
  writeFileSync(configFile, `# Written by \`ops-pipeline up --sample\`: ${userConfigFile ?? 'the defaults'} with the sample's rss and candles.\n${stringify(config)}`);
  return feeds;
}
