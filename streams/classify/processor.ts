import type { Consumer, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import { bufferCount, concatMap, from, lastValueFrom, mergeMap, toArray } from 'rxjs';
import { sendChunked } from '../../core/chunked-send.ts';
import { sendOffsetsRetrying } from '../../core/transaction-offsets.ts';
import { AvroCodec } from '../../core/avro-codec.ts';
import type { ConnectionsConfig } from '../../core/config.ts';
import { reportDlq, sendToDlq, type PoisonRecord } from '../../core/dlq.ts';
import { BadRecordError } from '../../core/errors.ts';
import { stoppable, stopWhenIdle } from '../../core/stoppable.ts';
import { createKafka } from '../../core/kafka.ts';
import { transactionalClients } from '../../core/transactional-clients.ts';
import { logger } from '../../core/log.ts';
import { counter, histogram } from '../../core/metrics.ts';
import { createRegistry } from '../../core/registry.ts';
import { sessionState, supervise, type Session } from '../../core/supervised.ts';
import { recordName, topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { NewsClassified, NewsRaw } from '../../schemas/records.ts';
import { analyze, classified } from './analyze.ts';
import type { ClassifyConfig } from './config.ts';
import type { SentimentModel } from './sentiment.ts';
import { TickerExtractor } from './tickers/extract-tickers.ts';
import { loadSymbolDirectory } from './tickers/symbol-directory.ts';

// The classify processor: news.raw → news.classified. Each fetched batch is decoded, its
// rules applied per item, its headlines classified by the model in batches of `batchSize`
// (the partition is paused meanwhile: the model is the bottleneck, nothing piles up), and
// the results produced in one Kafka transaction together with the batch's offsets, so a
// crash neither loses nor duplicates a classification.

const log = logger('classify');
/** Model runs per model call: the window inside which headlines are sorted by length. */
const RUNS_PER_WINDOW = 8;
const itemsIn = counter('classify_items_total', 'News items classified', ['label']);
const modelSeconds = histogram('classify_model_seconds', 'Model time per window of headlines (up to 8 runs of batchSize)', [], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);
const e2eSeconds = histogram('classify_end_to_end_seconds', 'Fetch time of the item to classified, seconds', [], [0.1, 0.5, 1, 5, 15, 60, 300, 3600]);

export interface ClassifyOptions {
  connections: ConnectionsConfig;
  config: ClassifyConfig;
  prefix: string;
  model: SentimentModel;
  once?: boolean;
  now?: () => number;
}

export interface ClassifySummary {
  classified: number;
  dlq: number;
}

export async function startClassifyProcessor(opts: ClassifyOptions) {
  const { connections, config, prefix, model } = opts;
  const now = opts.now ?? Date.now;
  const kafka = createKafka(connections.kafka, 'classify');
  const registry = createRegistry(connections.registry);
  const codec = new AvroCodec(registry);
  const encoder = new RecordEncoder(registry, prefix);
  const rawTopic = topicName('newsRaw', prefix);
  const outTopic = topicName('newsClassified', prefix);
  const tickers = new TickerExtractor(loadSymbolDirectory(config.symbols));
  const summary: ClassifySummary = { classified: 0, dlq: 0 };

  async function handle(payload: EachBatchPayload, producer: Producer, consumer: Consumer): Promise<void> {
    const { batch } = payload;
    const poison: PoisonRecord[] = [];
    const decodeOne = async (m: KafkaMessage) => {
      try {
        const raw = await codec.decode<NewsRaw>(m.value, recordName('newsRaw'));
        if (!raw.title?.trim()) throw new BadRecordError('news item without a title');
        return [raw];
      } catch (err) {
        if (!(err instanceof BadRecordError)) throw err;
        poison.push({ topic: batch.topic, partition: batch.partition, offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value, error: err, stage: 'classify' });
        return [];
      }
    };
    const out: NewsClassified[] = await lastValueFrom(
      from(batch.messages).pipe(
        concatMap(decodeOne),
        mergeMap((raws) => raws),
        // The model sorts each window by length into runs of batchSize: headlines of one run then
        // pad to nearly the same length, which is most of what batching a transformer gains.
        bufferCount(config.batchSize * RUNS_PER_WINDOW),
        concatMap(async (raws) => {
          const started = process.hrtime.bigint();
          // Backpressure: no more fetching for this topic while the model works.
          consumer.pause([{ topic: rawTopic }]);
          try {
            const sentiments = await model.classify(raws.map((r) => r.title));
            modelSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
            const at = now();
            return raws.map((r, i) => classified(r, analyze(r, tickers), sentiments[i]!, model.version, at));
          } finally {
            consumer.resume([{ topic: rawTopic }]);
            // A large fetched batch through a large model takes a while: stay in the group.
            await payload.heartbeat();
          }
        }),
        mergeMap((items) => items),
        toArray(),
      ),
    );
    const tx = await producer.transaction();
    try {
      if (out.length) await sendChunked(tx, outTopic, await encoder.messages('newsClassified', out));
      await sendToDlq(tx, poison);
      await sendOffsetsRetrying(tx, {
        consumerGroupId: config.groupId,
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() }] }],
      });
      await tx.commit();
    } catch (err) {
      await tx.abort().catch(() => {});
      throw err;
    }
    payload.resolveOffset(batch.lastOffset());
    await payload.heartbeat();
    const at = now();
    for (const c of out) {
      itemsIn.inc({ label: c.sentiment_label });
      e2eSeconds.observe(Math.max(0, (at - c.fetched_at) / 1000));
    }
    summary.classified += out.length;
    summary.dlq += poison.length;
    reportDlq(log, poison);
  }

  let lastActivity = Date.now();
  let inFlight = 0;
  // A session: a transactional producer and a consumer from the committed offsets. When Kafka
  // or the registry fails under it (a transaction that could not commit or abort leaves the
  // producer unusable), it is replaced by a new one after a backoff (core/supervised.ts).
  async function openSession(): Promise<Session> {
    const { broken, healthy, fail, markHealthy } = sessionState();
    const { producer, consumer, disconnect: close } = transactionalClients(kafka, config);
    // Opening counts as busy for --once; idle time counts from the group join.
    inFlight++;
    try {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic: rawTopic, fromBeginning: true });
      consumer.on(consumer.events.GROUP_JOIN, () => (lastActivity = Date.now()));
      consumer.on(consumer.events.CRASH, (e) => fail(e.payload.error));
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async (payload) => {
          inFlight++;
          try {
            await handle(payload, producer, consumer);
            markHealthy();
            lastActivity = Date.now();
          } catch (err) {
            fail(err);
            throw err;
          } finally {
            inFlight--;
          }
        },
      });
    } catch (err) {
      await close();
      throw err;
    } finally {
      inFlight--;
      lastActivity = Date.now();
    }
    log.info({ model: model.version, topic: rawTopic }, 'classify processor running');
    return { broken, healthy, close };
  }

  const sessions = supervise('classify', log, openSession, { once: opts.once });
  // Set when the processor cannot go on (a config error, --once out of attempts): `done` rejects with it.
  let failure: unknown;
  const life = stoppable(async () => {
    await sessions.stop();
    log.info(summary, 'classify processor stopped');
    if (failure) throw failure;
    return summary;
  });
  sessions.done.catch((err) => {
    failure = err;
    void life.stop();
  });
  if (opts.once) stopWhenIdle(life, () => inFlight === 0 && Date.now() - lastActivity > config.idleExitMs);
  return { done: life.done, stop: () => life.stop() };
}
