import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../core/avro-codec.ts';
import { createRegistry } from '../core/registry.ts';
import { readToEnd } from '../core/topic-reader.ts';
import { REPO_ROOT } from '../deploy/local/layout.ts';
import { recordName, topicName } from '../schemas/catalog.ts';
import type { Candle, NewsRaw } from '../schemas/records.ts';
import { runToEnd, scrapeMetric, startComponent, waitFor, writeConfig, type ComponentProcess } from '../test/chaos/component-process.ts';
import { ownBroker, waitForOutage, type OwnBroker } from '../test/chaos/own-broker.ts';
import { serveFeedFiles, type FeedFileServer } from './rss/feed-file-server.ts';

// The broker stopped and started again while the sources work. The RSS source and the candles
// source run as real child processes against a broker of this test's own; each has a poll in
// flight (feeds held back by the server, Yahoo answering late) when the broker goes down. Each
// must report the outage (metrics and log), keep running, and once the broker is back produce
// exactly what a clean run produces: every news item once, every bar once. Daily bars: the
// candles source's next regular pass would be an hour later, so this also proves that bars
// our services failed to take are asked for again after a short backoff.

const METRICS = { rss: 19340, candles: 19341 } as const;
const FEEDS = ['reddit.rss', 'guardian.rss', 'heise.atom'];

let broker: OwnBroker;
let server: FeedFileServer;
let openGate: () => void = () => {};
let gate = new Promise<void>((resolve) => (openGate = resolve));
const running: ComponentProcess[] = [];

async function newRun(label: string, feedNames: string[]) {
  const prefix = await broker.newPrefix(label);
  const config = writeConfig({
    kafka: { brokers: [broker.address] },
    topics: { prefix, candleInterval: '1d' },
    rss: { feeds: feedNames.map((n) => server.url(n)), pollIntervalSeconds: 2, backoffInitialSeconds: 1, timeoutMs: 60_000 },
    candles: { includeTickersFromNews: true, pollIntervalSeconds: 1 },
  });
  return {
    prefix,
    rss: ['--config', config, 'run', 'rss'],
    candles: ['--config', config, 'run', 'candles', '--replay', join(REPO_ROOT, 'samples', 'yahoo-chart'), '--ticker', 'AAPL', 'GOOG', 'BTC-USD'],
  };
}

async function outputsOf(prefix: string) {
  const codec = new AvroCodec(createRegistry(broker.conn.registry));
  const news: string[] = [];
  await readToEnd(broker.kafka, topicName('newsRaw', prefix), async (m) => void news.push((await codec.decode<NewsRaw>(m.value, recordName('newsRaw'))).event_uid));
  const bars: string[] = [];
  await readToEnd(broker.kafka, topicName('marketCandles', prefix), async (m) => {
    const c = await codec.decode<Candle>(m.value, recordName('marketCandles'));
    bars.push(JSON.stringify([c.ticker, c.ts, c.close, c.volume]));
  });
  return { news: news.sort(), bars: bars.sort() };
}

const step = (what: string) => console.error(`[sources-outage] ${new Date().toISOString()} ${what}`);

beforeAll(async () => {
  // The same feeds twice: as files, and held back until the test opens the gate.
  const held = Object.fromEntries(
    FEEDS.map((name) => [
      `held-${name}`,
      (_req: unknown, res: ServerResponse) =>
        void gate.then(() => res.writeHead(200, { 'content-type': name.endsWith('.atom') ? 'application/atom+xml' : 'application/rss+xml' }).end(readFileSync(join(REPO_ROOT, 'samples', 'rss', name)))),
    ]),
  );
  server = await serveFeedFiles(join(REPO_ROOT, 'samples', 'rss'), held);
  broker = await ownBroker('kafka-outage-sources', 19330);
});
afterAll(async () => {
  for (const p of running) if (p.running()) console.error(`[sources-outage] ${p.child.spawnargs.slice(-6).join(' ')}:\n${p.output().slice(-2500)}`);
  for (const p of running) await p.kill('SIGKILL');
  openGate();
  await server?.close();
  await broker?.remove();
});

describe('broker restarted while the sources poll', () => {
  it('rss and candles report the outage, recover without a restart, and produce exactly what a clean run does', async () => {
    step('clean run');
    const clean = await newRun('src-outage-clean', FEEDS);
    await runToEnd([...clean.rss, '--once'], broker.env);
    await runToEnd([...clean.candles, '--once'], broker.env);
    const expected = await outputsOf(clean.prefix);
    expect(expected.news.length).toBeGreaterThan(50);
    expect(expected.bars.length).toBeGreaterThan(50);

    step('chaos run: polls in flight');
    gate = new Promise<void>((resolve) => (openGate = resolve));
    const chaos = await newRun('src-outage-chaos', FEEDS.map((n) => `held-${n}`));
    const procs = {
      rss: startComponent(chaos.rss, { ...broker.env, METRICS_PORT: String(METRICS.rss) }),
      // Yahoo answers after 8 s: the broker is down by then.
      candles: startComponent([...chaos.candles, '--replay-latency', '8000'], { ...broker.env, METRICS_PORT: String(METRICS.candles) }),
    };
    running.push(...Object.values(procs));
    const live = Object.values(procs);
    const served = async (c: keyof typeof METRICS) => !Number.isNaN(await scrapeMetric(METRICS[c], 'ops_pipeline_').catch(() => NaN));
    for (const c of Object.keys(METRICS) as Array<keyof typeof METRICS>) await waitFor(`${c} to start`, () => served(c), live);

    step('broker stopped');
    await broker.stop();
    openGate();
    await waitForOutage('reported', METRICS, live);
    step('broker starting again');
    await broker.start();

    await waitFor('every item and every bar produced', async () => {
      const now = await outputsOf(chaos.prefix);
      return now.news.length >= expected.news.length && now.bars.length >= expected.bars.length;
    }, live);
    await waitForOutage('cleared', METRICS, live);
    expect(live.every((p) => p.running())).toBe(true);
    expect(procs.rss.output()).toMatch(/producing failed; what was not produced is tried again/);
    expect(procs.candles.output()).toMatch(/producing failed; what was not produced is tried again/);
    for (const p of live) expect((await p.kill('SIGTERM')).code).toBe(0);

    const actual = await outputsOf(chaos.prefix);
    expect(actual.news).toEqual(expected.news);
    expect(actual.bars).toEqual(expected.bars);
  });
});
