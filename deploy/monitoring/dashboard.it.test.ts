import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFeedFiles, type FeedFileServer } from '../../connectors/rss/feed-file-server.ts';
import { createRegistry } from '../../core/registry.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import { runCli, type RunningCli } from '../../test/bad-records.ts';
import { faultInputs, produceInEventTime, produceInputs } from '../../test/chaos/fault-inputs.ts';
import { freshDatabase } from '../../test/database.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { startPrometheus, type PrometheusProcess, type Sample } from '../../test/prometheus.ts';
import { REPO_ROOT } from '../local/layout.ts';

// The Grafana dashboard against a real Prometheus (Debian's package) scraping the real
// components: rss, candles, classify, signals and the sink as CLI processes with METRICS_PORT,
// and the lag exporter, with records flowing through them. Every expression of every panel
// must return a series with a number (not NaN: a histogram quantile is NaN until something
// was observed between two scrapes), and every alert rule must evaluate without an error.

const DIR = join(REPO_ROOT, 'deploy', 'monitoring');
const dashboard = JSON.parse(readFileSync(join(DIR, 'grafana', 'dashboards', 'ops-pipeline.json'), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
const EXPRESSIONS = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));

const conn = testConnections();
let topics: TestTopics;
// The candles source writes to topics of its own: its recorded bars (February 2025) would move
// the signals' watermark past this test's inputs (January 2024) and make them all late.
let candleTopics: TestTopics;
let db: { url: string; drop: () => Promise<void> };
let feeds: FeedFileServer;
let prometheus: PrometheusProcess | undefined;
const running: Record<string, RunningCli> = {};

const finite = (s: Sample) => Number.isFinite(Number(s.value));
const step = (what: string) => console.error(`[dashboard] ${new Date().toISOString()} ${what}`);

async function produceWave(seed: number, signalsInputs: boolean): Promise<void> {
  const inputs = faultInputs({ tickers: 4, minutes: 90, news: 120, seed });
  // Signals' inputs first, in event time: classify's output of the same news, written as it
  // classifies, would move the watermark ahead of bars still to come.
  if (signalsInputs) await produceInEventTime(topics.kafka, new RecordEncoder(createRegistry(conn.registry), topics.prefix), inputs);
  await produceInputs(topics.kafka, conn, topics.prefix, { newsRaw: inputs.newsRaw, feedsState: inputs.feedsState, signals: inputs.signals });
  // A record nobody can decode: classify and the sink each send it to news.raw.dlq.
  const producer = topics.kafka.producer();
  await producer.connect();
  await producer.send({ topic: topicName('newsRaw', topics.prefix), acks: -1, messages: [{ value: `not avro ${seed}` }] });
  await producer.disconnect();
}

beforeAll(async () => {
  topics = await testTopics('dashboard');
  candleTopics = await testTopics('dashboard-candles');
  db = await freshDatabase({ migrate: true });
  feeds = await serveFeedFiles(join(REPO_ROOT, 'samples', 'rss'));
  const p = topics.prefix;
  const config = {
    // Two feeds, and one the server does not have: its polls fail (rss_feed_errors_total).
    rss: { feeds: [feeds.url('reddit.rss'), feeds.url('guardian.rss'), feeds.url('gone.rss')], pollIntervalSeconds: 2, backoffInitialSeconds: 1, backoffMaxSeconds: 2 },
    // NOPE has no recording: Yahoo's 404 (candles_request_errors_total).
    candles: { pollIntervalSeconds: 2, retries: 0, includeTickersFromNews: false },
    sink: { maxWaitTimeMs: 100 },
  };
  const common = ['--topic-prefix', p, '--candle-interval', '1m'];
  step('components');
  running.rss = await runCli([...common, 'run', 'rss'], config);
  running.candles = await runCli(['--topic-prefix', candleTopics.prefix, '--candle-interval', '1m', 'run', 'candles', '--replay', join(REPO_ROOT, 'samples', 'yahoo-chart'), '--ticker', 'AAPL', 'NOPE'], config);
  running.classify = await runCli([...common, 'run', 'classify'], config);
  running.signals = await runCli([...common, 'run', 'signals'], config);
  running.sink = await runCli([...common, 'run', 'sink'], config, { DATABASE_URL: db.url });
  running['lag-exporter'] = await runCli(['--topic-prefix', p, 'lag-exporter', '--interval', '1'], config);

  // prometheus.yml's jobs, with the test's ports for the compose host names.
  const components = ['rss', 'candles', 'classify', 'signals', 'sink'];
  prometheus = await startPrometheus({
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: [join(DIR, 'alerts.yml')],
    scrape_configs: [
      { job_name: 'ops-pipeline', static_configs: components.map((c) => ({ targets: [`127.0.0.1:${running[c]!.port}`], labels: { component: c } })) },
      { job_name: 'lag-exporter', static_configs: [{ targets: [`127.0.0.1:${running['lag-exporter']!.port}`] }] },
    ],
  });
  step('waiting for a scrape of every component');
  await running.classify.waitFor('every target scraped', async () => (await prometheus!.query('up == 1')).length === components.length + 1);
  // Records arrive while Prometheus scrapes, in waves a few scrapes apart, so that rates and
  // histograms see observations between two scrapes.
  step('wave 1');
  await produceWave(1, true);
  await sleep(4000);
  step('wave 2');
  await produceWave(2, false);
}, 240_000);

afterAll(async () => {
  await prometheus?.stop();
  for (const [name, cli] of Object.entries(running)) {
    const code = await cli.stop();
    if (code !== 0) console.error(`[dashboard] ${name} exited ${code}:\n${cli.logs().slice(-20).map((l) => JSON.stringify(l)).join('\n')}`);
  }
  await feeds?.close();
  await topics?.cleanup();
  await candleTopics?.cleanup();
  await db?.drop();
});

describe('the Grafana dashboard on a real Prometheus', () => {
  it('every panel expression returns a number for the running components', async () => {
    const results = new Map<string, Sample[]>();
    const deadline = Date.now() + 120_000;
    const missing = () => EXPRESSIONS.filter((e) => !results.get(e.expr)?.some(finite));
    while (missing().length && Date.now() < deadline) {
      for (const e of missing()) results.set(e.expr, await prometheus!.query(e.expr));
      if (missing().length) await sleep(1000);
    }
    step(`results:\n${EXPRESSIONS.map((e) => `  ${e.expr} -> ${JSON.stringify(results.get(e.expr)?.slice(0, 3))}`).join('\n')}`);
    expect(missing().map((e) => ({ panel: e.panel, expr: e.expr, got: results.get(e.expr) ?? [] }))).toEqual([]);
  }, 180_000);

  it("shows the signals watermark's lag from signals alone (every process serves the gauge, at 0)", async () => {
    const [expr] = EXPRESSIONS.filter((e) => e.expr.includes('signals_watermark_seconds')).map((e) => e.expr);
    const series = await prometheus!.query(expr!);
    expect(series.map((s) => s.metric.component)).toEqual(['signals']);
    // The inputs' event time: 2 January 2024 from 14:30, for 90 minutes.
    const t0 = Date.UTC(2024, 0, 2, 14, 30) / 1000;
    expect(Number(series[0]!.value)).toBeGreaterThan(Date.now() / 1000 - t0 - 2 * 3600);
    expect(Number(series[0]!.value)).toBeLessThan(Date.now() / 1000 - t0);
  });

  it('every alert rule evaluates without an error on the real series', async () => {
    const rules = await prometheus!.rules();
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.filter((r) => r.health !== 'ok')).toEqual([]);
  });
});
