import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroCodec } from '../../core/avro-codec.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { recordName, topicName } from '../../schemas/catalog.ts';
import type { NewsClassified } from '../../schemas/records.ts';
import { runToEnd, settled, writeConfig } from '../../test/chaos/component-process.ts';
import { faultInputs, produceInputs } from '../../test/chaos/fault-inputs.ts';
import { fleetEvents, groupProgress, scaledRun } from '../../test/chaos/scale-out.ts';
import { groupOf, testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import { MODELS_DIR } from './model/sentiment-model.ts';

// The classify processor scaled out: a fleet in one group where instances join, one is killed,
// one is frozen past its session timeout and thawed (a zombie), one leaves. news.classified must
// hold each news.raw item exactly once, classified as one instance classifies it.

const conn = testConnections();
// Enough news that one instance alone is still busy after a freeze past the session timeout.
const inputs = { newsRaw: faultInputs({ tickers: 30, minutes: 600, news: 5000, seed: 73 }).newsRaw };
const total = inputs.newsRaw.length;
const model = join(mkdtempSync(join(tmpdir(), 'opsp-classify-scale-')), 'compact-finsent');
const SESSION_MS = 6000;
let one: TestTopics;
let fleet: TestTopics;

/**
 * The fleet runs small model batches on one thread each: slower, so that every event lands
 * mid-work. The reference runs the defaults: batching must not change a classification.
 */
const FLEET = { batchSize: 2, modelThreads: 1, maxBytesPerPartition: 1024 };

function args(t: TestTopics, tuning: Record<string, number> = FLEET): string[] {
  const config = writeConfig({ topics: { prefix: t.prefix }, classify: { idleExitMs: 2000, sessionTimeoutMs: SESSION_MS, ...tuning } });
  return ['--config', config, 'run', 'classify', '--model', model];
}

/** event_uid → how it was classified, once per copy (a copy twice shows as a second entry). */
async function classifiedOf(t: TestTopics): Promise<string[]> {
  const codec = new AvroCodec(createRegistry(conn.registry));
  const out: string[] = [];
  await readToEnd(t.kafka, topicName('newsClassified', t.prefix), async (m) => {
    const c = await codec.decode<NewsClassified>(m.value, recordName('newsClassified'));
    out.push(JSON.stringify([c.event_uid, c.tickers, c.sentiment_label, c.event_type, c.urgency, c.model_version, c.event_time]));
  });
  return out.sort();
}

const progress = async (t: TestTopics) => (await groupProgress(t.admin, groupOf(t.prefix, 'classify'), [topicName('newsRaw', t.prefix)])).committed;

beforeAll(async () => {
  cpSync(join(MODELS_DIR, 'compact-finsent'), model, { recursive: true });
  one = await testTopics('classify-scale-one');
  fleet = await testTopics('classify-scale-fleet');
  for (const t of [one, fleet]) await produceInputs(t.kafka, conn, t.prefix, inputs, 60);
});
afterAll(async () => {
  await one?.cleanup();
  await fleet?.cleanup();
});

describe('classify scaled out over one group', () => {
  it('a fleet (join, kill, zombie, leave) classifies each item once, as one instance does', async () => {
    await runToEnd([...args(one, {}), '--once']);
    const expected = await classifiedOf(one);
    expect(expected).toHaveLength(total);

    await scaledRun(args(fleet), fleetEvents(total, SESSION_MS), { progress: () => progress(fleet), done: async () => (await progress(fleet)) >= total, total });
    expect(await settled(() => classifiedOf(fleet), (c) => c.length >= expected.length)).toEqual(expected);
  });
});
