import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
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
import { counter } from '../../core/metrics.ts';
import { createRegistry } from '../../core/registry.ts';
import { sessionState, supervise, type Session } from '../../core/supervised.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { recordName, topicName } from '../../schemas/catalog.ts';
import type { Interval } from '../../schemas/intervals.ts';
import { candleProblem, signalProblem, usable } from '../../schemas/record-checks.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Candle, Signal } from '../../schemas/records.ts';
import type { ExecutorConfig } from './config.ts';
import { PaperBook } from './paper-book.ts';

// The paper executor: PENDING signals filled at the next bar's open or cancelled after a TTL,
// written back to `signals` as status updates (same signal_id) that the sink turns into
// EXECUTED / CANCELLED rows. On start it reads the whole signals topic (what is final is never
// decided again) and the tail of market.candles, then follows both from there; updates are
// produced in Kafka transactions with the consumed offsets.

const log = logger('executor');
const updates = counter('executor_updates_total', 'Signal status updates produced by the paper executor', ['status']);

export interface ExecutorOptions {
  connections: ConnectionsConfig;
  config: ExecutorConfig;
  prefix: string;
  /** The deployment's bar interval (topics.candleInterval): bars of another go to the DLQ. */
  candleInterval: Interval;
  once?: boolean;
}

export interface ExecutorSummary {
  executed: number;
  cancelled: number;
  open: number;
}

export async function startExecutor(opts: ExecutorOptions) {
  const { connections, config, prefix } = opts;
  const kafka = createKafka(connections.kafka, 'executor');
  const registry = createRegistry(connections.registry);
  const codec = new AvroCodec(registry);
  const encoder = new RecordEncoder(registry, prefix);
  const signalsTopic = topicName('signals', prefix);
  const decodeSignal = async (m: KafkaMessage) => usable(await codec.decode<Signal>(m.value, recordName('signals')), signalProblem);
  const decodeCandle = async (m: KafkaMessage) => usable(await codec.decode<Candle>(m.value, recordName('marketCandles')), (c) => candleProblem(c, opts.candleInterval));
  const candlesTopic = topicName('marketCandles', prefix);
  const summary: ExecutorSummary = { executed: 0, cancelled: 0, open: 0 };
  let lastActivity = Date.now();
  let inFlight = 0;
  let openSignals = 0;
  // A session: the book rebuilt from Kafka, then live. When Kafka or the registry fails under it
  // (the book may have decided what never committed), it is replaced by a new one after a
  // backoff (core/supervised.ts), exactly what a restart does.
  async function openSession(): Promise<Session> {
    const book = new PaperBook({ positionSize: config.positionSize, ttlMs: config.ttlMinutes * 60_000, latenessMs: config.allowedLatenessMinutes * 60_000 });
    const { producer, consumer, disconnect: close } = transactionalClients(kafka, config);
    const { broken, healthy, fail, markHealthy } = sessionState();
    // Opening counts as busy for --once: the book is read before anything is idle.
    inFlight++;
    try {
      await producer.connect();

      async function produce(made: Signal[], offsets?: { consumerGroupId: string; topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> }, poison: PoisonRecord[] = []) {
        if (!made.length && !offsets && !poison.length) return;
        const tx = await producer.transaction();
        try {
          if (made.length) await sendChunked(tx, signalsTopic, await encoder.messages('signals', made));
          await sendToDlq(tx, poison);
          if (offsets) await sendOffsetsRetrying(tx, offsets);
          await tx.commit();
        } catch (err) {
          await tx.abort().catch(() => {});
          throw err;
        }
        reportDlq(log, poison);
        for (const u of made) {
          updates.inc({ status: u.status });
          if (u.status === 'EXECUTED') summary.executed++;
          else summary.cancelled++;
        }
      }

      // 1. State: every signal's latest status, and the recent candles.
      const admin = kafka.admin();
      await admin.connect();
      const ends = new Map<string, number>();
      const committed = new Map<string, bigint>();
      try {
        for (const topic of [signalsTopic, candlesTopic]) {
          for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}:${p.partition}`, Number(p.high));
          const [offsets] = await admin.fetchOffsets({ groupId: config.groupId, topics: [topic] });
          for (const p of offsets?.partitions ?? []) committed.set(`${topic}:${p.partition}`, BigInt(p.offset));
        }
      } finally {
        await admin.disconnect().catch(() => {});
      }
      const startup: Signal[] = [];
      const startupPoison: PoisonRecord[] = [];
      // The consumer starts past what is read here, so a bad record the group has not consumed
      // yet goes to the DLQ now (one it consumed before went there then).
      const decodeOnStart = async <T>(topic: string, partition: number, m: KafkaMessage, decode: (m: KafkaMessage) => Promise<T>): Promise<T | null> => {
        try {
          return await decode(m);
        } catch (err) {
          if (!(err instanceof BadRecordError)) throw err;
          if (BigInt(m.offset) >= (committed.get(`${topic}:${partition}`) ?? 0n)) {
            startupPoison.push({ topic, partition, offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value, error: err, stage: 'executor' });
          }
          return null;
        }
      };
      await readToEnd(kafka, signalsTopic, async (m, partition) => {
        const s = await decodeOnStart(signalsTopic, partition, m, decodeSignal);
        if (s) startup.push(...book.onSignal(s));
      }, { endAt: ({ partition }) => BigInt(ends.get(`${signalsTopic}:${partition}`) ?? 0) });
      const tail: Candle[] = [];
      await readToEnd(kafka, candlesTopic, async (m, partition) => {
        const c = await decodeOnStart(candlesTopic, partition, m, decodeCandle);
        if (c) tail.push(c);
      }, { startAt: ({ high }) => high - BigInt(config.stateTailRecords), endAt: ({ partition }) => BigInt(ends.get(`${candlesTopic}:${partition}`) ?? 0) });
      // Partitions are read one after another: feed the bars in time order, as they happened.
      tail.sort((a, b) => a.ts - b.ts || (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0));
      for (const c of tail) startup.push(...book.onCandle(c));
      // What was read is done: its decisions, its poison and the offsets commit together.
      const startOffsets = [signalsTopic, candlesTopic].map((topic) => ({
        topic,
        partitions: [...ends].filter(([key]) => key.startsWith(`${topic}:`)).map(([key, offset]) => ({ partition: Number(key.slice(topic.length + 1)), offset: String(offset) })),
      }));
      await produce(startup, { consumerGroupId: config.groupId, topics: startOffsets }, startupPoison);
      log.info({ open: book.openSignals, decidedOnStart: startup.length }, 'paper book rebuilt');

      // 2. Follow both topics from where the state reading stopped.
      await consumer.connect();
      await consumer.subscribe({ topics: [signalsTopic, candlesTopic], fromBeginning: false });
      consumer.on(consumer.events.CRASH, (e) => fail(e.payload.error));
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat }: EachBatchPayload) => {
          inFlight++;
          try {
            const made: Signal[] = [];
            const poison: PoisonRecord[] = [];
            for (const m of batch.messages) {
              try {
                if (batch.topic === signalsTopic) made.push(...book.onSignal(await decodeSignal(m)));
                else made.push(...book.onCandle(await decodeCandle(m)));
              } catch (err) {
                if (!(err instanceof BadRecordError)) throw err;
                poison.push({ topic: batch.topic, partition: batch.partition, offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value, error: err, stage: 'executor' });
              }
            }
            const next = (BigInt(batch.lastOffset()) + 1n).toString();
            await produce(made, { consumerGroupId: config.groupId, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }] }, poison);
            resolveOffset(batch.lastOffset());
            await heartbeat();
            markHealthy();
            lastActivity = Date.now();
          } catch (err) {
            // The book already took this batch, whose decisions did not commit: this session is over.
            fail(err);
            throw err;
          } finally {
            inFlight--;
          }
        },
      });
      for (const [key, offset] of ends) {
        const i = key.lastIndexOf(':');
        consumer.seek({ topic: key.slice(0, i), partition: Number(key.slice(i + 1)), offset: String(offset) });
      }
    } catch (err) {
      await close();
      throw err;
    } finally {
      inFlight--;
      lastActivity = Date.now();
    }
    log.info({ topics: [signalsTopic, candlesTopic] }, 'executor running');
    return {
      broken,
      healthy,
      async close() {
        openSignals = book.openSignals;
        await close();
      },
    };
  }

  const sessions = supervise('executor', log, openSession, { once: opts.once });
  // Set when the executor cannot go on (a config error, --once out of attempts): `done` rejects with it.
  let failure: unknown;
  const life = stoppable(async () => {
    await sessions.stop();
    summary.open = openSignals;
    log.info(summary, 'executor stopped');
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
