import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/avro-codec.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { recordName, topicName } from '../../schemas/catalog.ts';
import type { NewsClassified } from '../../schemas/records.ts';
import { committedOffsets, killAtEach, killPoints, runToEnd, writeConfig } from '../../test/chaos/component-process.ts';
import { faultInputs, produceInputs } from '../../test/chaos/fault-inputs.ts';
import { testConnections, testTopics, type TestTopics, groupOf } from '../../test/kafka.ts';
import { MODELS_DIR } from './model/sentiment-model.ts';

// kill -9 of the classify processor (a real child process, `run classify`) at seeded committed-
// input counts, mid-transaction, three times; then a run to the end. news.classified
// (read_committed) must hold exactly one record per news.raw event_uid, the same as a clean run.
// The model is a copy of the shipped compact model taken when the file starts, so that a model
// swapped meanwhile cannot make the two runs differ.

const conn = testConnections();
const inputs = { newsRaw: faultInputs({ tickers: 30, minutes: 600, news: 2600, seed: 71 }).newsRaw };
const model = join(mkdtempSync(join(tmpdir(), 'opsp-classify-model-')), 'compact-finsent');
let clean: TestTopics;
let chaos: TestTopics;

function argsFor(t: TestTopics): string[] {
  const config = writeConfig({
    topics: { prefix: t.prefix },
    classify: { batchSize: 16, idleExitMs: 2000, sessionTimeoutMs: 10_000, maxBytesPerPartition: 8192 },
  });
  return ['--config', config, 'run', 'classify', '--model', model];
}

/** What a run left in news.classified: per event_uid how often, and its classification (not its wall-clock time). */
async function classifiedOf(t: TestTopics): Promise<{ copies: Map<string, number>; byUid: Map<string, string> }> {
  const codec = new AvroCodec(createRegistry(conn.registry));
  const copies = new Map<string, number>();
  const byUid = new Map<string, string>();
  await readToEnd(t.kafka, topicName('newsClassified', t.prefix), async (m) => {
    const c = await codec.decode<NewsClassified>(m.value, recordName('newsClassified'));
    copies.set(c.event_uid, (copies.get(c.event_uid) ?? 0) + 1);
    byUid.set(c.event_uid, JSON.stringify([c.title, c.tickers, c.sentiment_label, c.event_type, c.urgency, c.model_version, c.event_time]));
  });
  return { copies, byUid };
}

beforeAll(async () => {
  cpSync(join(MODELS_DIR, 'compact-finsent'), model, { recursive: true });
  clean = await testTopics('classify-clean');
  chaos = await testTopics('classify-kill');
  await produceInputs(clean.kafka, conn, clean.prefix, inputs, 60);
  await produceInputs(chaos.kafka, conn, chaos.prefix, inputs, 60);
});
afterAll(async () => {
  await clean?.cleanup();
  await chaos?.cleanup();
});

describe('classify processor under kill -9', () => {
  it('classifies every news.raw item exactly once, as a clean run does, after repeated kills mid-transaction', async () => {
    await runToEnd([...argsFor(clean), '--once']);
    const expected = await classifiedOf(clean);
    expect(expected.copies.size).toBe(inputs.newsRaw.length);

    const args = argsFor(chaos);
    const total = inputs.newsRaw.length;
    const progress = () => committedOffsets(chaos.admin, groupOf(chaos.prefix, 'classify'), [topicName('newsRaw', chaos.prefix)]);
    const kills = await killAtEach(args, progress, killPoints(17, 3, total));
    expect(kills.map((k) => k !== undefined && k < total), JSON.stringify({ kills, total })).toEqual([true, true, true]);
    await runToEnd([...args, '--once']);

    expect(await progress()).toBe(total);
    const actual = await classifiedOf(chaos);
    expect([...actual.copies.values()].filter((n) => n !== 1)).toEqual([]);
    expect(actual.byUid).toEqual(expected.byUid);
  });
});
