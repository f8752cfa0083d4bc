import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Histogram } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRssSource } from '../../connectors/rss/component.ts';
import { RssConfig } from '../../connectors/rss/config.ts';
import { startPostgresSink } from '../../connectors/postgres-sink/component.ts';
import { SinkConfig } from '../../connectors/postgres-sink/config.ts';
import { metricsRegistry } from '../../core/metrics.ts';
import { createRegistry } from '../../core/registry.ts';
import { startProcessor } from '../../core/runtime/processor-runtime.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Candle } from '../../schemas/records.ts';
import { classifyComponent } from '../../streams/classify/component.ts';
import { ClassifyConfig } from '../../streams/classify/config.ts';
import type { SentimentModel } from '../../streams/classify/sentiment.ts';
import { signalsComponent } from '../../streams/signals/component.ts';
import { SignalsConfig } from '../../streams/signals/config.ts';
import { freshDatabase } from '../database.ts';
import { testConnections, testTopics, type TestTopics } from '../kafka.ts';

// The latency histograms (docs/operations.md) against the real broker, registry and database:
// three news items through the RSS source, classify and the sink, and one signal through
// signals and the sink, all in this process; each histogram must have observations, of
// plausible size. Removing an observation (or the create-time header it needs) fails here.

const conn = testConnections();
const MIN = 60_000;
let topics: TestTopics;
let db: Awaited<ReturnType<typeof freshDatabase>>;
let feed: Server;
let feedUrl: string;
const now = Date.now();
// The news, 3 minutes of event time before now; bars up to now, so the watermark passes the news' bar.
const publishedAt = Math.floor((now - 3 * MIN) / 1000) * 1000;

const positiveModel: SentimentModel = {
  version: 'positive@test',
  classify: async (texts) => texts.map(() => ({ label: 'positive', score: 0.95 })),
};

async function observations(name: string, labels: Record<string, string> = {}): Promise<{ count: number; sum: number }> {
  const metric = metricsRegistry.getSingleMetric(`ops_pipeline_${name}`) as Histogram | undefined;
  if (!metric) return { count: 0, sum: 0 };
  let count = 0;
  let sum = 0;
  const values = ((await metric.get()) as unknown as { values: Array<{ metricName?: string; labels: Record<string, string>; value: number }> }).values;
  for (const v of values) {
    if (!Object.entries(labels).every(([k, l]) => v.labels[k] === l)) continue;
    if (v.metricName?.endsWith('_count')) count += v.value;
    if (v.metricName?.endsWith('_sum')) sum += v.value;
  }
  return { count, sum };
}

beforeAll(async () => {
  topics = await testTopics('latency');
  db = await freshDatabase({ migrate: true });
  const items = ['Apple beats estimates', 'Apple raises its outlook', 'Apple shares jump on record sales']
    .map((t, i) => `<item><title>$AAPL ${t}</title><guid>lat-${i}</guid><pubDate>${new Date(publishedAt).toUTCString()}</pubDate></item>`)
    .join('');
  feed = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${items}</channel></rss>`));
  await new Promise<void>((resolve) => feed.listen(0, '127.0.0.1', resolve));
  feedUrl = `http://127.0.0.1:${(feed.address() as AddressInfo).port}/feed.xml`;
}, 60_000);

afterAll(async () => {
  feed?.close();
  await topics?.cleanup();
  await db?.drop();
});

it('observes every stage: fetch to appended, raw to classified, bar close to signal, record to row, end to end', async () => {
  const deployment = { connections: conn, prefix: topics.prefix, candleInterval: '1m' as const };
  const rss = await startRssSource({ connections: conn, config: RssConfig.parse({ feeds: [feedUrl], hostSpacingSeconds: 0 }), prefix: topics.prefix, once: true });
  expect((await rss.done).produced).toBe(3);

  const classify = await startProcessor(classifyComponent, ClassifyConfig.parse({ idleExitMs: 1000 }), deployment, { once: true, options: { sentimentModel: positiveModel } });
  expect((await classify.done).classified).toBe(3);

  // Eight flat 1-minute bars up to now: the last one's close moves the watermark past the news' bar.
  const encoder = new RecordEncoder(createRegistry(conn.registry), topics.prefix);
  const barStart = Math.floor(now / MIN) * MIN - 8 * MIN;
  const candles: Candle[] = Array.from({ length: 8 }, (_, i) => ({ ticker: 'AAPL', ts: barStart + i * MIN, interval: '1m', open: 100, high: 100.1, low: 99.9, close: 100, adjclose: null, volume: 1000, source: 'test' }));
  const producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic: topicName('marketCandles', topics.prefix), acks: -1, messages: await encoder.messages('marketCandles', candles) });
  await producer.disconnect();
  const rules = { allowedLatenessSeconds: 0, cooldownMinutes: 0, lookbackBars: 2 };
  const signals = await startProcessor(signalsComponent, SignalsConfig.parse({ idleExitMs: 1500, rules }), deployment, { once: true });
  expect((await signals.done).signals).toBeGreaterThan(0);

  const sink = await startPostgresSink({ ...deployment, connections: { ...conn, database: { ...conn.database, url: db.url } }, config: SinkConfig.parse({ idleExitMs: 1500, maxWaitTimeMs: 100 }), once: true });
  await sink.done;

  const mean = (o: { count: number; sum: number }) => o.sum / o.count;
  const appended = await observations('rss_fetch_to_appended_seconds');
  expect(appended.count).toBe(3);
  expect(mean(appended)).toBeLessThan(10);
  const raw = await observations('classify_raw_to_classified_seconds');
  expect(raw.count).toBe(3);
  expect(mean(raw)).toBeLessThan(60);
  const classifiedRow = await observations('sink_record_to_row_seconds', { table: 'inbound_events_classified' });
  expect(classifiedRow.count).toBe(3);
  expect(mean(classifiedRow)).toBeLessThan(60);
  const newsEnd = await observations('sink_classified_end_to_end_seconds');
  expect(newsEnd.count).toBe(3);
  // End to end spans every stage: at least the classified record's wait for its row.
  expect(mean(newsEnd)).toBeGreaterThanOrEqual(mean(classifiedRow));
  expect(mean(newsEnd)).toBeLessThan(120);

  // A signal of the news' bar (closing about 2 minutes ago, lateness 0): its latency is that old.
  const bar = await observations('signals_bar_close_to_signal_seconds');
  expect(bar.count).toBeGreaterThan(0);
  expect(mean(bar)).toBeGreaterThan(30);
  expect(mean(bar)).toBeLessThan(600);
  const signalRow = await observations('sink_record_to_row_seconds', { table: 'dispatch_recommendations' });
  expect(signalRow.count).toBe(bar.count);
  expect(mean(signalRow)).toBeLessThan(60);
  const signalEnd = await observations('sink_signal_end_to_end_seconds');
  expect(signalEnd.count).toBe(bar.count);
  expect(mean(signalEnd)).toBeGreaterThanOrEqual(mean(bar));
}, 120_000);
