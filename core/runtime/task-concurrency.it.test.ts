import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readToEnd } from '../topic-reader.ts';
import { topicName } from '../../schemas/catalog.ts';
import type { NewsRaw } from '../../schemas/records.ts';
import { SAMPLES } from '../../schemas/samples.ts';
import { produceInputs } from '../../test/chaos/fault-inputs.ts';
import { testConnections, testTopics, type TestTopics } from '../../test/kafka.ts';
import type { ProcessorDefinition } from './component.ts';
import { groupFields } from './processor-fields.ts';
import { startProcessor } from './processor-runtime.ts';

// `concurrency` tasks process their batches at once: a stage whose batch waits (as a model
// call or a transaction's commit does) lets another task go on meanwhile. Each task's batch
// here waits until another task's batch is in flight too, or 3 s: one at a time, every batch
// waits out its 3 s and none ever sees another.

const conn = testConnections();
let t: TestTopics;
const Config = z.object({ ...groupFields('overlap', { maxBytesPerPartition: 1_048_576 }) }).strict();
const news = (i: number): NewsRaw => ({ ...SAMPLES.newsRaw, event_uid: `overlap-${i}`.padEnd(64, '0'), title: `headline ${i}` });

interface Overlap {
  inFlight: Set<string>;
  mostAtOnce: number;
  waiters: Array<() => void>;
}

function component(o: Overlap): ProcessorDefinition<z.infer<typeof Config>, { mostAtOnce: number }> {
  return {
    kind: 'processor',
    name: 'overlap',
    description: 'waits for another task in flight',
    section: 'overlap',
    config: Config,
    stages: [
      {
        name: 'titles',
        inputs: ['newsRaw'],
        outputs: ['newsClassified'],
        task: (id) => ({
          async process(items, out) {
            const name = `p${id.partition}`;
            o.inFlight.add(name);
            o.mostAtOnce = Math.max(o.mostAtOnce, o.inFlight.size);
            if (o.inFlight.size > 1) for (const wake of o.waiters.splice(0)) wake();
            else await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, 3000);
              o.waiters.push(() => { clearTimeout(timer); resolve(); });
            });
            for (const r of items as Array<{ value: NewsRaw }>) out.send('newsClassified', { ...SAMPLES.newsClassified, event_uid: r.value.event_uid, title: r.value.title }, { key: r.value.event_uid });
            o.inFlight.delete(name);
          },
        }),
      },
    ],
    open: async () => ({ resources: undefined, summary: () => ({ mostAtOnce: o.mostAtOnce }) }),
    describe: (s) => `${s.mostAtOnce} at once`,
  };
}

beforeAll(async () => {
  t = await testTopics('task-concurrency');
  await produceInputs(t.kafka, conn, t.prefix, { newsRaw: Array.from({ length: 60 }, (_, i) => news(i)) });
});
afterAll(() => t?.cleanup());

describe('a processor with concurrency 2', () => {
  it('processes two tasks\' batches at once, and every record once', async () => {
    const o: Overlap = { inFlight: new Set(), mostAtOnce: 0, waiters: [] };
    const config = Config.parse({ groupId: 'overlap', idleExitMs: 500 });
    expect(config.concurrency).toBe(2);
    const p = await startProcessor(component(o), config, { connections: conn, prefix: t.prefix, candleInterval: '1m' }, { once: true });
    expect(await p.done).toMatchObject({ mostAtOnce: 2, dlq: 0 });
    let out = 0;
    await readToEnd(t.kafka, topicName('newsClassified', t.prefix), () => void out++);
    expect(out).toBe(60);
  });
});
