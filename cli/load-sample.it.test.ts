import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AvroCodec } from '../core/avro-codec.ts';
import { createKafka } from '../core/kafka.ts';
import { createRegistry } from '../core/registry.ts';
import { readToEnd } from '../core/topic-reader.ts';
import { REPO_ROOT } from '../deploy/local/layout.ts';
import { topicName, type TopicId } from '../schemas/catalog.ts';
import type { Candle, NewsRaw } from '../schemas/records.ts';
import { deletePrefixed, deleteSubjects, testConnections, uniquePrefix } from '../test/kafka.ts';

// `load-sample` as a user runs it: the bundled feeds and recorded candles reach the topics
// through the real sources; a second run adds nothing; the 2020 headlines fall inside the
// recorded AAPL bars, so the signal engine has news and prices that meet.

const conn = testConnections();
const prefix = uniquePrefix('load-sample');
const kafka = createKafka(conn.kafka, 'test-load-sample');
const admin = kafka.admin();

// samples/rss: 261 items with a title (see the demo test); samples/news: 52 headlines.
const CORPUS_ITEMS = 261;
const SAMPLE_NEWS = 52;
// Daily bars of the watchlist's recordings: 49 AAPL (Aug 31 - Nov 6, 2020), 3 BTC-USD, 7 others.
const CANDLES = 59;
// One state per feed that parsed (samples/rss holds one non-feed on purpose).
const FEED_STATES = 12;

beforeAll(async () => {
  await admin.connect();
});

afterAll(async () => {
  await deletePrefixed(admin, prefix);
  await admin.disconnect();
  await deleteSubjects(conn.registry.url, prefix);
});

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('node', ['bin/ops-pipeline.js', '--topic-prefix', prefix, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'error' },
  });
  return stdout;
}

async function read<T>(id: TopicId): Promise<T[]> {
  const codec = new AvroCodec(createRegistry(conn.registry));
  const out: T[] = [];
  await readToEnd(kafka, topicName(id, prefix), async (m) => void out.push(await codec.decode<T>(m.value)));
  return out;
}

/** Records as a read_committed consumer sees them (offsets would also count the sources' transaction markers). */
async function records(id: TopicId): Promise<number> {
  return (await read(id)).length;
}

it('documents itself', async () => {
  expect(await cli('load-sample', '--help')).toMatch(/samples\/news[\s\S]*again adds nothing/);
});

it('fills news.raw, feeds.state and market.candles from the bundled sample, and a second run adds nothing', async () => {
  const first = await cli('load-sample');
  expect(first).toMatch(new RegExp(`${CORPUS_ITEMS + SAMPLE_NEWS} new items produced to news.raw`));
  expect(first).toMatch(new RegExp(`${CANDLES} new candles produced`));
  const counts = async () => ({ raw: await records('newsRaw'), feeds: await records('feedsState'), candles: await records('marketCandles') });
  expect(await counts()).toEqual({ raw: CORPUS_ITEMS + SAMPLE_NEWS, feeds: FEED_STATES, candles: CANDLES });

  const second = await cli('load-sample');
  expect(second).toMatch(/0 topics created/);
  expect(second).toMatch(/ 0 new items produced/);
  expect(second).toMatch(/ 0 new candles produced/);
  expect(await counts()).toEqual({ raw: CORPUS_ITEMS + SAMPLE_NEWS, feeds: FEED_STATES, candles: CANDLES });

  // Where news and candles meet: every sample headline is dated inside the AAPL bars, and the
  // sample names Apple through its company name (what ticker extraction keys on).
  const aapl = (await read<Candle>('marketCandles')).filter((c) => c.ticker === 'AAPL' && c.interval === '1d');
  expect(aapl).toHaveLength(49);
  const [firstBar, lastBar] = [Math.min(...aapl.map((c) => c.ts)), Math.max(...aapl.map((c) => c.ts)) + 86_400_000];
  const sample = (await read<NewsRaw>('newsRaw')).filter((n) => n.source?.endsWith('/apple-2020.rss'));
  expect(sample).toHaveLength(SAMPLE_NEWS);
  expect(sample.every((n) => n.published_at !== null && n.published_at >= firstBar - 86_400_000 && n.published_at <= lastBar)).toBe(true);
  expect(sample.filter((n) => /\bApple\b/.test(n.title)).length).toBeGreaterThan(SAMPLE_NEWS / 2);
});
