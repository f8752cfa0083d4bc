import type { EachBatchPayload } from 'kafkajs';
import { concatMap, Subject } from 'rxjs';
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
import { counter, gauge, histogram } from '../../core/metrics.ts';
import { createRegistry } from '../../core/registry.ts';
import { sessionState, supervise, type Session } from '../../core/supervised.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { recordName, topicName } from '../../schemas/catalog.ts';
import type { Interval } from '../../schemas/intervals.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Candle, NewsClassified, Signal } from '../../schemas/records.ts';
import type { SignalsConfig } from './config.ts';
import { SignalEngine } from './engine.ts';
import { eventTimeOf, type EngineInput } from './inputs.ts';
import { PartitionMerge, type MergeItem } from './partition-merge.ts';
import { candleInput, newsInput } from './to-input.ts';

// The signals processor: news.classified + market.candles → signals, consume-transform-
// produce in Kafka transactions. Every input goes through a per-partition merge (event-time
// order across partitions, offset order within one) into the deterministic engine; the
// signals it makes final are produced in one transaction with the offsets of exactly the
// inputs the engine has seen. On start, the engine's state is rebuilt by replaying the
// inputs up to the committed offsets (their signals were produced before, so they are not
// produced again): a crash at any point neither loses nor duplicates a signal. A broker or
// registry outage does the same inside the process (a new session, see core/supervised.ts).

const log = logger('signals');
const inputsIn = counter('signals_inputs_total', 'Inputs the signals engine took', ['kind']);
const lateInputs = counter('signals_late_inputs_total', 'Inputs refused as later than the allowed lateness');
const signalsOut = counter('signals_produced_total', 'Signals produced', ['action']);
const watermarkGauge = gauge('signals_watermark_seconds', 'Event-time watermark of the signals engine (epoch seconds)');
const e2eLatency = histogram('signals_end_to_end_seconds', 'Signal event time to produced, seconds', [], [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 86400]);

/** Inputs buffered per partition while rebuilding before that partition is paused. */
const REBUILD_QUEUE_LIMIT = 5_000;

type Decoded = { input: EngineInput; poison?: undefined } | { input?: undefined; poison: PoisonRecord };

interface Work {
  kind: 'batch' | 'tick';
  payload?: EachBatchPayload;
  done: () => void;
  fail: (err: unknown) => void;
}

export interface SignalsOptions {
  connections: ConnectionsConfig;
  config: SignalsConfig;
  prefix: string;
  /** The deployment's bar interval (topics.candleInterval): bars of another go to the DLQ. */
  candleInterval: Interval;
  once?: boolean;
}

export interface SignalsSummary {
  rebuilt: number;
  inputs: number;
  late: number;
  signals: number;
  dlq: number;
}

export async function startSignalsProcessor(opts: SignalsOptions) {
  const { connections, config, prefix } = opts;
  const kafka = createKafka(connections.kafka, 'signals');
  const registry = createRegistry(connections.registry);
  const codec = new AvroCodec(registry);
  const encoder = new RecordEncoder(registry, prefix);
  const newsTopic = topicName('newsClassified', prefix);
  const candlesTopic = topicName('marketCandles', prefix);
  const signalsTopic = topicName('signals', prefix);
  const summary: SignalsSummary = { rebuilt: 0, inputs: 0, late: 0, signals: 0, dlq: 0 };

  async function decode(topic: string, partition: number, m: { offset: string; value: Buffer | null; key: Buffer | null; timestamp: string }): Promise<Decoded> {
    try {
      if (topic === newsTopic) return { input: newsInput(await codec.decode<NewsClassified>(m.value, recordName('newsClassified'))) };
      return { input: candleInput(await codec.decode<Candle>(m.value, recordName('marketCandles')), opts.candleInterval) };
    } catch (err) {
      if (!(err instanceof BadRecordError)) throw err;
      return { poison: { topic, partition, offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value, error: err, stage: 'signals' } };
    }
  }

  /** The engine's state: every input up to the group's committed offsets, merged as live would. */
  async function rebuildState(engine: SignalEngine): Promise<{ rebuilt: number; committed: Map<string, bigint>; highs: Map<string, bigint> }> {
    let rebuilt = 0;
    const committed = new Map<string, bigint>();
    const highs = new Map<string, bigint>();
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const topic of [newsTopic, candlesTopic]) {
        const [offsets] = await admin.fetchOffsets({ groupId: config.groupId, topics: [topic] });
        for (const p of offsets?.partitions ?? []) if (p.offset !== '-1') committed.set(`${topic}:${p.partition}`, BigInt(p.offset));
        for (const p of await admin.fetchTopicOffsets(topic)) highs.set(`${topic}:${p.partition}`, BigInt(p.high));
      }
    } finally {
      await admin.disconnect().catch(() => {});
    }
    // Both topics are read at once and merged as they come, each partition paused while it is
    // far ahead of the others: memory stays bounded however long the history is, and the
    // engine sees the inputs in the same order as if all were read first and then merged.
    const rebuild = new PartitionMerge<{ input: EngineInput }>();
    rebuild.assign(highs.keys());
    const replay = (all = false) => {
      for (const item of rebuild.drain(all)) {
        engine.push(item.value.input);
        rebuilt++;
      }
    };
    await readToEnd(
      kafka,
      [newsTopic, candlesTopic],
      async (m, partition, topic) => {
        const d = await decode(topic, partition, m);
        if (d.input) rebuild.add({ source: `${topic}:${partition}`, offset: BigInt(m.offset), eventTime: eventTimeOf(d.input), value: { input: d.input } });
        replay();
      },
      {
        endAt: ({ topic, partition }) => committed.get(`${topic}:${partition}`) ?? 0n,
        onPartitionEnd: (topic, partition) => {
          rebuild.setCaughtUp(`${topic}:${partition}`, true);
          replay();
        },
        holdBack: (topic, partition) => rebuild.queued(`${topic}:${partition}`) > REBUILD_QUEUE_LIMIT,
      },
    );
    replay(true);
    return { rebuilt, committed, highs };
  }

  // A session: the engine's state rebuilt from the committed offsets, then live. When Kafka or
  // the registry fails under it, it is replaced by a new one (core/supervised.ts), never
  // patched: its engine may hold inputs whose transaction did not commit.
  let current: { idle(): boolean } | undefined;
  async function openSession(): Promise<Session> {
    const engine = new SignalEngine(config.rules);
    const merge = new PartitionMerge<{ input: EngineInput; poison?: undefined }>();
    const { broken, healthy, fail, markHealthy } = sessionState();

    // 0. The producer first: its InitProducerId fences the session or process before this one
    // and finishes a transaction it left (committed or aborted). Offsets read before that could
    // miss a commit still completing, and the engine would not be rebuilt up to where the
    // consumer starts (its inputs between the two never reach the engine).
    const { producer, consumer } = transactionalClients(kafka, config);
    const timers: { tick?: NodeJS.Timeout } = {};
    const work = new Subject<Work>();
    const close = async () => {
      clearInterval(timers.tick);
      await consumer.disconnect().catch(() => {});
      work.complete();
      await producer.disconnect().catch(() => {});
    };
    let state: Awaited<ReturnType<typeof rebuildState>>;
    try {
      await producer.connect();

      // 1. Where the group stands, and the state up to there.
      state = await rebuildState(engine);
      summary.rebuilt = state.rebuilt;
      log.info({ rebuilt: state.rebuilt, watermark: engine.watermarkValue }, 'engine state rebuilt from the committed inputs');
      await consumer.connect();
      await consumer.subscribe({ topics: [newsTopic, candlesTopic], fromBeginning: true });
    } catch (err) {
      await close();
      throw err;
    }

    // 2. Live: batches and ticks flow through one serial pipeline (RxJS concatMap), so the
    // merge, the engine and the transactional producer are never used concurrently.
    const { committed, highs } = state;
    const positions = new Map<string, bigint>(highs);
    for (const key of highs.keys()) positions.set(key, committed.get(key) ?? 0n);
    merge.assign(highs.keys());
    const refreshCaughtUp = () => {
      for (const [key, high] of highs) merge.setCaughtUp(key, (positions.get(key) ?? 0n) >= high);
    };
    refreshCaughtUp();
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      const key = `${e.payload.topic}:${e.payload.partition}`;
      positions.set(key, BigInt(e.payload.lastOffset) + 1n);
      highs.set(key, BigInt(e.payload.highWatermark));
    });
    // kafkajs would restart a crashed consumer from the committed offsets into this session's
    // merge and engine, which already hold what came after them.
    consumer.on(consumer.events.CRASH, (e) => fail(e.payload.error));

    const committedAt = new Map<string, bigint>();

    async function emit(released: Array<MergeItem<{ input: EngineInput }>>, poison: PoisonRecord[]): Promise<void> {
      const signals: Signal[] = [];
      for (const item of released) {
        const { signals: made, late } = engine.push(item.value.input);
        inputsIn.inc({ kind: item.value.input.kind });
        summary.inputs++;
        if (late) {
          summary.late++;
          lateInputs.inc();
        }
        signals.push(...made);
      }
      const offsets = new Map<string, Map<number, string>>();
      const commit = (source: string, offset: bigint) => {
        const [topic, partition] = [source.slice(0, source.lastIndexOf(':')), Number(source.slice(source.lastIndexOf(':') + 1))];
        if (!offsets.has(topic)) offsets.set(topic, new Map());
        offsets.get(topic)!.set(partition, offset.toString());
        committedAt.set(source, offset);
      };
      for (const item of released) commit(item.source, item.offset + 1n);
      // A partition with nothing waiting in the merge is done up to its position, past any
      // transaction markers and DLQ'd records: commit that, or they would count as lag forever.
      for (const [source, position] of positions) {
        if (!merge.hasBuffered(source) && position > (committedAt.get(source) ?? -1n) && position > (committed.get(source) ?? -1n)) commit(source, position);
      }
      if (!offsets.size && !signals.length && !poison.length) return;
      const tx = await producer.transaction();
      try {
        if (signals.length) await sendChunked(tx, signalsTopic, await encoder.messages('signals', signals));
        await sendToDlq(tx, poison);
        if (offsets.size) {
          await sendOffsetsRetrying(tx, {
            consumerGroupId: config.groupId,
            topics: [...offsets].map(([topic, parts]) => ({ topic, partitions: [...parts].map(([partition, offset]) => ({ partition, offset })) })),
          });
        }
        await tx.commit();
      } catch (err) {
        await tx.abort().catch(() => {});
        throw err;
      }
      const now = Date.now();
      for (const s of signals) {
        signalsOut.inc({ action: s.action });
        e2eLatency.observe(Math.max(0, (now - s.ts) / 1000));
      }
      summary.signals += signals.length;
      summary.dlq += poison.length;
      reportDlq(log, poison);
      if (Number.isFinite(engine.watermarkValue)) watermarkGauge.set(engine.watermarkValue / 1000);
    }

    let lastInput = Date.now();
    work
      .pipe(
        concatMap(async (w) => {
          try {
            const poison: PoisonRecord[] = [];
            if (w.kind === 'batch') {
              const { batch } = w.payload!;
              const source = `${batch.topic}:${batch.partition}`;
              for (const m of batch.messages) {
                const d = await decode(batch.topic, batch.partition, m);
                if (d.poison) poison.push(d.poison);
                else merge.add({ source, offset: BigInt(m.offset), eventTime: eventTimeOf(d.input), value: { input: d.input } });
              }
              positions.set(source, BigInt(batch.lastOffset()) + 1n);
              highs.set(source, BigInt(batch.highWatermark));
              lastInput = Date.now();
            }
            refreshCaughtUp();
            await emit(merge.drain(), poison);
            if (w.kind === 'batch' || [...highs].every(([key, high]) => (positions.get(key) ?? 0n) >= high)) markHealthy();
            w.done();
          } catch (err) {
            // The engine may have taken inputs of the failed transaction: this session is over.
            fail(err);
            w.fail(err);
          }
        }),
      )
      .subscribe();
    const submit = (kind: Work['kind'], payload?: EachBatchPayload) => new Promise<void>((done, failed) => work.next({ kind, payload, done, fail: failed }));

    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        await submit('batch', payload);
        payload.resolveOffset(payload.batch.lastOffset());
        await payload.heartbeat();
      },
    });

    // Partitions with nothing new (or only transaction markers) still let the merge move on.
    timers.tick = setInterval(() => void submit('tick').catch((err) => log.warn({ err: (err as Error).message }, 'tick failed')), 500);
    current = {
      idle: () => {
        const allCaughtUp = [...highs].every(([key, high]) => (positions.get(key) ?? 0n) >= high);
        return allCaughtUp && merge.buffered === 0 && Date.now() - lastInput > config.idleExitMs;
      },
    };
    return {
      broken,
      healthy,
      async close() {
        current = undefined;
        await close();
      },
    };
  }

  const sessions = supervise('signals', log, openSession, { once: opts.once });
  // Set when the processor cannot go on (a config error, --once out of attempts): `done` rejects with it.
  let failure: unknown;
  const life = stoppable(async () => {
    await sessions.stop();
    log.info(summary, 'signals processor stopped');
    return summary;
  });
  sessions.done.catch((err) => {
    failure = err;
    void life.stop();
  });
  if (opts.once) stopWhenIdle(life, () => current?.idle() ?? false);
  return {
    done: life.done.then((s) => {
      if (failure) throw failure;
      return s;
    }),
    stop: () => life.stop(),
  };
}
