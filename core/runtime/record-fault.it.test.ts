import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DLQ_HEADERS } from '../dlq.ts';
import { readToEnd } from '../topic-reader.ts';
import { dlqTopicName, recordName, topicName } from '../../schemas/catalog.ts';
import type { NewsClassified, NewsRaw } from '../../schemas/records.ts';
import { AvroCodec } from '../avro-codec.ts';
import { createRegistry } from '../registry.ts';
import { SAMPLES } from '../../schemas/samples.ts';
import { produceInputs } from '../../test/chaos/fault-inputs.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import type { ProcessorDefinition } from './component.ts';
import { groupFields } from './processor-fields.ts';
import { startProcessor } from './processor-runtime.ts';

// A stateless stage whose own code fails on one record (a TypeError, as a headline word that
// named an object member once caused in classify): that record goes to the DLQ with the error,
// every other record is processed, the offsets reach the end, and `--once` ends. Before, the
// failed batch was dropped and a later commit moved the offsets past it.

const conn = testConnections();
const codec = new AvroCodec(createRegistry(conn.registry));
let t: TestTopics;
const news = (i: number): NewsRaw => ({ ...SAMPLES.newsRaw, event_uid: `fault-${i}`.padEnd(64, '0'), title: i === 7 ? 'poison' : `headline ${i}` });
const Config = z.object({ ...groupFields('fault', { maxBytesPerPartition: 1_048_576 }) }).strict();

function component(seen: string[]): ProcessorDefinition<z.infer<typeof Config>, { seen: number }> {
  return {
    kind: 'processor',
    name: 'fault',
    description: 'fails on one title',
    section: 'fault',
    config: Config,
    stages: [
      {
        name: 'titles',
        inputs: ['newsRaw'],
        outputs: ['newsClassified'],
        task: () => ({
          process(items, out) {
            for (const r of items as Array<{ value: NewsRaw }>) {
              if (r.value.title === 'poison') (null as unknown as { x: () => void }).x();
              seen.push(r.value.title);
              out.send('newsClassified', { ...SAMPLES.newsClassified, event_uid: r.value.event_uid, title: r.value.title }, { key: r.value.event_uid });
            }
          },
        }),
      },
    ],
    open: async () => ({ resources: undefined, summary: () => ({ seen: seen.length }) }),
    describe: (s) => `${s.seen} seen`,
  };
}

beforeAll(async () => {
  t = await testTopics('record-fault');
  await produceInputs(t.kafka, conn, t.prefix, { newsRaw: Array.from({ length: 30 }, (_, i) => news(i)) });
});
afterAll(() => t?.cleanup());

describe('a stateless stage failing on one record', () => {
  it('sends that record to the DLQ with the error, processes the rest, and commits to the end', async () => {
    const seen: string[] = [];
    const p = await startProcessor(component(seen), Config.parse({ groupId: 'fault', idleExitMs: 1000 }), { connections: conn, prefix: t.prefix, candleInterval: '1m' }, { once: true });
    expect(await p.done).toMatchObject({ dlq: 1 });
    // Each output once: what the failed run of the batch had sent was dropped.
    const titles: string[] = [];
    await readToEnd(t.kafka, topicName('newsClassified', t.prefix), async (m) => void titles.push((await codec.decode<NewsClassified>(m.value, recordName('newsClassified'))).title));
    expect(titles.sort()).toEqual(Array.from({ length: 30 }, (_, i) => i).filter((i) => i !== 7).map((i) => `headline ${i}`).sort());
    expect(seen.length).toBeGreaterThanOrEqual(29);

    const dlq: Array<Record<string, string>> = [];
    await readToEnd(t.kafka, dlqTopicName('newsRaw', t.prefix), (m) => void dlq.push(Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]))));
    expect(dlq).toHaveLength(1);
    expect(dlq[0]![DLQ_HEADERS.errorMessage]).toMatch(/^fault failed on this record: Cannot read properties of null/);

    const [offsets] = await t.admin.fetchOffsets({ groupId: `${t.prefix}fault`, topics: [topicName('newsRaw', t.prefix)] });
    const ends = await t.admin.fetchTopicOffsets(topicName('newsRaw', t.prefix));
    expect(offsets!.partitions.map((x) => x.offset).sort()).toEqual(ends.map((e) => e.high).sort());
  });
});
