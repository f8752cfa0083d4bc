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

// `load-sample --synthetic` as a user runs it: the sizes asked for, bars of the deployment's
// interval, and the same records for the same seed (what makes a scale-out or soak run
// repeatable by anyone); another seed gives other records.

const conn = testConnections();
const prefixes = [uniquePrefix('synthetic-a'), uniquePrefix('synthetic-b'), uniquePrefix('synthetic-c')];
const kafka = createKafka(conn.kafka, 'test-load-synthetic');
const admin = kafka.admin();

beforeAll(async () => {
  await admin.connect();
});
afterAll(async () => {
  for (const p of prefixes) {
    await deletePrefixed(admin, p);
    await deleteSubjects(conn.registry.url, p);
  }
  await admin.disconnect();
});

async function cli(prefix: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('node', ['bin/ops-pipeline.js', '--topic-prefix', prefix, ...args], { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'error' } });
  return stdout;
}

async function read<T>(prefix: string, id: TopicId): Promise<string[]> {
  const codec = new AvroCodec(createRegistry(conn.registry));
  const out: string[] = [];
  await readToEnd(kafka, topicName(id, prefix), async (m) => void out.push(JSON.stringify(await codec.decode<T>(m.value))));
  return out.sort();
}

it('writes the sizes asked for, in the deployment\'s interval, the same for the same seed', async () => {
  const args = ['--candle-interval', '1m', 'load-sample', '--synthetic', '--candles', '1500', '--news', '200', '--tickers', '15'];
  const out = await cli(prefixes[0]!, ...args, '--seed', '3');
  expect(out).toContain('200 news items to news.raw, 1500 1m bars of 15 tickers to market.candles (seed 3)');
  await cli(prefixes[1]!, ...args, '--seed', '3');
  await cli(prefixes[2]!, ...args, '--seed', '4');

  const [a, b, c] = await Promise.all(prefixes.map(async (p) => ({ news: await read<NewsRaw>(p, 'newsRaw'), candles: await read<Candle>(p, 'marketCandles') })));
  expect(a!.news).toHaveLength(200);
  expect(a!.candles).toHaveLength(1500);
  expect(new Set(a!.candles.map((s) => (JSON.parse(s) as Candle).interval))).toEqual(new Set(['1m']));
  expect(b).toEqual(a);
  expect(c!.candles).not.toEqual(a!.candles);
  expect(c!.news).not.toEqual(a!.news);
});

it('refuses a size that is not a whole number, naming the option', async () => {
  await expect(cli(prefixes[0]!, 'load-sample', '--synthetic', '--candles', 'lots')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--candles must be a whole number, not "lots"') });
});
