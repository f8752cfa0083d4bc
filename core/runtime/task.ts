import type { Admin, EachBatchPayload, Kafka, Message, Producer } from 'kafkajs';
import type { AvroCodec } from '../avro-codec.ts';
import { sendChunked } from '../chunked-send.ts';
import { reportDlq, sendToDlq, type PoisonRecord } from '../dlq.ts';
import { BadRecordError } from '../errors.ts';
import { bounded } from '../bounded.ts';
import type { Logger } from '../log.ts';
import { sendOffsetsRetrying } from '../transaction-offsets.ts';
import { recordName } from '../../schemas/catalog.ts';
import type { RecordEncoder } from '../../schemas/record-encoder.ts';
import { changelogMessage, restoreChangelog, TASK_META_KEY } from './changelog.ts';
import type { AnyStage, RuntimeCounts, Stage, StageContext, TaskOutput, TaskProcessor } from './component.ts';
import { initTransactions, isFenced, TaskFencedError } from './fenced.ts';
import type { InputRecord } from './input-record.ts';
import { PartitionMerge } from './partition-merge.ts';
import { taskMetrics } from './task-metrics.ts';
import { taskName, transactionalIdOf, type TaskId } from './task-id.ts';
import type { Topology } from './topology.ts';
import { createdAtHeader } from '../created-at.ts';

// One task: partition p of every input of one stage, its processor and state, and its own
// transactional producer. Created when the group gives the task to this instance: the producer
// is initialised first (it fences the instance that had the task and finishes the transaction
// it left), then the state is restored from the changelog and the committed offsets are read,
// so the task starts exactly where the last commit left it. Every fetched batch then goes
// through the processor, and its outputs, its DLQ records, the changed state and the consumed
// offsets commit in one transaction. A stage that joins inputs releases their records in event
// time; its records from a repartition topic are kept apart per upstream task, which writes
// progress markers into every partition so the join knows when an upstream task has caught up.

/** A record's header naming the upstream task (its partition) that repartitioned it. */
export const UPSTREAM_HEADER = 'ops.upstream';
/** A progress marker's header: `{ u, next, end }` of the upstream task's input. */
export const PROGRESS_HEADER = 'ops.progress';

type Batch = EachBatchPayload['batch'];

interface Progress {
  /** The upstream task's next input offset: everything before it has been repartitioned. */
  next: bigint;
  /** Its input's log end when it wrote the marker: caught up when next >= end. */
  end: bigint;
  /** Where the marker was read: an older marker read again after a restart changes nothing. */
  at: bigint;
}

interface TaskMeta {
  released: Record<string, string>;
  upstream: Record<string, { next: string; end: string; at: string }>;
}

interface InputState {
  ref: string;
  topic: string;
  repartition: boolean;
  /** Next offset to read. */
  read: bigint;
  /** The partition's log end as last seen. */
  end: bigint;
  committed: bigint;
  /** Repartition inputs: the offset below which this task deleted the records it had committed. */
  purged: bigint;
}

/** As Kafka Streams' repartition.purge.interval.ms: how often consumed repartitioned records are deleted. */
const PURGE_INTERVAL_MS = 30_000;

export interface TaskDeps {
  kafka: Kafka;
  admin: Admin;
  codec: AvroCodec;
  encoder: RecordEncoder;
  topology: Topology;
  stage: AnyStage;
  context: StageContext;
  id: TaskId;
  groupId: string;
  component: string;
  log: Logger;
  counts: RuntimeCounts;
}

export class Task {
  readonly name: string;
  readonly id: TaskId;
  private readonly stage: Stage<unknown, unknown, unknown>;
  private readonly processor: TaskProcessor<unknown>;
  private readonly producer: Producer;
  private readonly inputs: InputState[] = [];
  private readonly merge?: PartitionMerge<unknown>;
  /** Merge stages: per source, the offset after its last record released (and so committed). */
  private readonly released = new Map<string, bigint>();
  /** Per upstream task of a repartition input: its latest progress marker. */
  private readonly upstream = new Map<string, Progress>();
  private items: unknown[] = [];
  /** For each item, the record it was prepared from: a stateless stage's DLQ record if it fails. */
  private taken: Array<{ topic: string; m: Batch['messages'][number] }> = [];
  private poison: PoisonRecord[] = [];
  private lastMarker = '';
  private metaDirty = false;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Set when processing or a commit failed: the task takes no more work and commits nothing. */
  private failed: unknown;
  private purgedAt = Date.now();
  private readonly metrics;

  constructor(private readonly d: TaskDeps) {
    this.id = d.id;
    this.name = taskName(d.id);
    this.stage = d.stage as Stage<unknown, unknown, unknown>;
    this.processor = this.stage.task(d.id, d.context);
    this.producer = d.kafka.producer({ transactionalId: transactionalIdOf(d.groupId, d.id), idempotent: true, maxInFlightRequests: 1 });
    if (this.stage.eventTime) this.merge = new PartitionMerge();
    this.metrics = taskMetrics(d.component, this.name);
  }

  get running(): boolean {
    return !this.closed;
  }

  private get partition(): number {
    return this.id.partition;
  }

  /**
   * Fences whoever had the task, restores its state and reads where it stands. Returns the
   * offset each input partition must be read from.
   */
  async start(): Promise<Map<string, bigint>> {
    const started = process.hrtime.bigint();
    await initTransactions(this.producer);
    const { topology, admin, groupId } = this.d;
    let restored = 0;
    if (this.stage.stateful) {
      const entries = await restoreChangelog(this.d.kafka, topology.changelogTopic(this.stage.name), this.partition);
      restored = entries.size;
      this.restoreMeta(entries.get(TASK_META_KEY) as TaskMeta | undefined);
      entries.delete(TASK_META_KEY);
      this.processor.restore?.(entries);
    }
    const topics = this.stage.inputs.map((ref) => topology.topicOf(ref));
    const committed = await admin.fetchOffsets({ groupId, topics });
    for (const ref of this.stage.inputs) {
      const topic = topology.topicOf(ref);
      const ends = (await admin.fetchTopicOffsets(topic)).find((o) => o.partition === this.partition)!;
      const offset = committed.find((c) => c.topic === topic)?.partitions.find((p) => p.partition === this.partition)?.offset ?? '-1';
      const from = offset === '-1' ? BigInt(ends.low) : BigInt(offset);
      this.inputs.push({ ref, topic, repartition: topology.isRepartition(ref), read: from, end: BigInt(ends.high), committed: from, purged: BigInt(ends.low) });
    }
    if (this.merge) this.merge.assign(this.sources());
    // A writer of a repartition topic says where it stands before anything else: its readers
    // wait for that.
    if (this.stage.repartitionTo) await this.commit(new Output(async () => {}));
    this.metrics.restoreSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    this.d.log.info({ task: this.name, restored, from: Object.fromEntries(this.inputs.map((i) => [i.topic, i.read.toString()])) }, 'task started');
    return new Map(this.inputs.map((i) => [i.topic, i.read]));
  }

  /** Where each input partition is to be read from now (after a rebalance that kept the task). */
  positions(): Map<string, bigint> {
    return new Map(this.inputs.map((i) => [i.topic, i.read]));
  }

  /**
   * Flow control of a join, as Kafka Streams' `buffered.records.per.partition`: an input
   * partition whose records wait in the merge beyond `limit` is to be paused (a backlog of
   * candles read ahead of the news they wait for would otherwise fill the heap), unless the merge
   * waits on it; the others are to be read.
   */
  flow(limit: number): { pause: string[]; resume: string[] } {
    const pause: string[] = [];
    const resume: string[] = [];
    if (!this.merge) return { pause, resume };
    for (const i of this.inputs) {
      const sources = this.sourcesOf(i);
      const queued = sources.reduce((n, s) => n + this.merge!.queued(s), 0);
      const waitedOn = sources.some((s) => this.merge!.waitsFor(s));
      (queued >= limit && !waitedOn ? pause : resume).push(i.topic);
    }
    return { pause, resume };
  }

  /** The merge's sources: one per input partition, one per upstream task of a repartition input. */
  private sources(): string[] {
    return this.inputs.flatMap((i) => this.sourcesOf(i));
  }

  private sourcesOf(i: InputState): string[] {
    return i.repartition ? this.upstreamTasks(i).map((u) => `${i.topic}:${this.partition}:${u}`) : [`${i.topic}:${this.partition}`];
  }

  private upstreamTasks(i: InputState): number[] {
    const writer = this.d.topology.writerOf(i.ref);
    const n = writer ? this.d.topology.tasksOf(writer) : 0;
    return Array.from({ length: n }, (_, u) => u);
  }

  private restoreMeta(meta: TaskMeta | undefined): void {
    for (const [source, offset] of Object.entries(meta?.released ?? {})) this.released.set(source, BigInt(offset));
    for (const [key, p] of Object.entries(meta?.upstream ?? {})) this.upstream.set(key, { next: BigInt(p.next), end: BigInt(p.end), at: BigInt(p.at) });
  }

  private meta(): TaskMeta {
    const released: TaskMeta['released'] = {};
    for (const [s, o] of this.released) released[s] = o.toString();
    const upstream: TaskMeta['upstream'] = {};
    for (const [k, p] of this.upstream) upstream[k] = { next: p.next.toString(), end: p.end.toString(), at: p.at.toString() };
    return { released, upstream };
  }

  /** Work on the task, one piece at a time (batches, ticks, closing). */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => {});
    return run;
  }

  handle(batch: Batch, heartbeat: () => Promise<void>): Promise<void> {
    return this.serial(async () => {
      if (this.closed) return;
      if (this.failed) throw this.failed;
      const input = this.inputs.find((i) => i.topic === batch.topic)!;
      for (const m of batch.messages) {
        const offset = BigInt(m.offset);
        if (offset < input.read) continue;
        if (input.repartition && m.headers?.[PROGRESS_HEADER]) this.onMarker(input, offset, String(m.headers[PROGRESS_HEADER]));
        else await this.take(input, m);
      }
      input.read = BigInt(batch.lastOffset()) + 1n;
      input.end = BigInt(batch.highWatermark);
      this.metrics.recordsIn.inc(batch.messages.length);
      await this.process(heartbeat);
    });
  }

  /** A fetch of nothing but transaction markers moved the position (kafkajs hands no batch). */
  advance(topic: string, lastOffset: string, highWatermark: string): void {
    const input = this.inputs.find((i) => i.topic === topic);
    if (!input) return;
    const next = BigInt(lastOffset) + 1n;
    if (next > input.read) input.read = next;
    input.end = BigInt(highWatermark);
  }

  /** Periodic: releases what a join can release now, commits positions past transaction markers. */
  tick(): Promise<void> {
    return this.serial(async () => {
      if (!this.closed && !this.failed) await this.process();
    });
  }

  private onMarker(input: InputState, offset: bigint, header: string): void {
    const marker = JSON.parse(header) as { u: number; next: string; end: string };
    const key = `${input.topic}:${marker.u}`;
    const known = this.upstream.get(key);
    if (known && known.at >= offset) return;
    this.upstream.set(key, { next: BigInt(marker.next), end: BigInt(marker.end), at: offset });
    this.metaDirty = true;
  }

  private async take(input: InputState, m: Batch['messages'][number]): Promise<void> {
    const schema = this.d.topology.schemaOf(input.ref);
    const upstream = input.repartition ? String(m.headers?.[UPSTREAM_HEADER] ?? '0') : undefined;
    const source = upstream === undefined ? `${input.topic}:${this.partition}` : `${input.topic}:${this.partition}:${upstream}`;
    const offset = BigInt(m.offset);
    // Released (and committed) before a restart: the join counted it already.
    if (this.merge && offset < (this.released.get(source) ?? -1n)) return;
    try {
      const value = this.d.codec.decodeIfKnown(m.value, recordName(schema)) ?? (await this.d.codec.decode(m.value, recordName(schema)));
      const record: InputRecord = { input: input.ref, topic: input.topic, partition: this.partition, offset: m.offset, timestamp: m.timestamp, key: m.key, value, headers: m.headers, raw: { key: m.key, value: m.value } };
      const item = this.stage.prepare ? this.stage.prepare(record, this.d.context) : record;
      if (this.merge) this.merge.add({ source, offset, eventTime: this.stage.eventTime!(item), value: item });
      else {
        this.items.push(item);
        this.taken.push({ topic: input.topic, m });
      }
    } catch (err) {
      if (!(err instanceof BadRecordError)) throw err;
      this.poison.push(this.poisonOf(input.topic, m, err));
    }
  }

  private poisonOf(topic: string, m: { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers?: Batch['messages'][number]['headers'] }, error: Error): PoisonRecord {
    // Poison of an internal topic goes to the DLQ of the catalog topic whose records it carries.
    const input = this.inputs.find((i) => i.topic === topic)!;
    const dlqOf = input.repartition ? this.d.topology.topicOf(this.d.topology.schemaOf(input.ref)) : topic;
    return { topic: dlqOf, partition: this.partition, offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value, headers: m.headers, error, stage: this.d.component };
  }

  /**
   * Which sources may hold the join back. An input partition is caught up at its log end. A
   * repartition topic's records from one upstream task are caught up when that task's latest
   * marker says it has repartitioned its whole input, when the partition has been read past that
   * marker (after a restart it is read again from the committed offset), and when the upstream
   * input has not grown since: its end is asked of the broker now, because a marker only tells
   * what its writer had seen, and records written since (a burst, a backfill) would otherwise
   * come after candles of the same minutes had been released, and be late.
   */
  private async refreshCaughtUp(): Promise<void> {
    for (const i of this.inputs) {
      if (!i.repartition) {
        this.merge!.setCaughtUp(`${i.topic}:${this.partition}`, i.read >= i.end);
        continue;
      }
      const claims = this.upstreamTasks(i).map((u) => {
        const p = this.upstream.get(`${i.topic}:${u}`);
        return { u, p, claimed: !!p && p.next >= p.end && i.read > p.at };
      });
      // The broker is asked only when a claim would let the join go on past an empty source.
      const asked = claims.some((c) => c.claimed && !this.merge!.hasBuffered(`${i.topic}:${this.partition}:${c.u}`)) ? await this.upstreamEnds(i) : undefined;
      for (const { u, p, claimed } of claims) {
        const end = asked?.get(u);
        this.merge!.setCaughtUp(`${i.topic}:${this.partition}:${u}`, claimed && (end === undefined || p!.next >= end));
      }
    }
  }

  /** The log ends of the topic the writer of this repartition input reads, per partition. */
  private async upstreamEnds(i: InputState): Promise<Map<number, bigint>> {
    const writer = this.d.topology.writerOf(i.ref)!;
    const offsets = await this.d.admin.fetchTopicOffsets(this.d.topology.topicOf(writer.inputs[0]!));
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  }

  private async process(heartbeat: () => Promise<void> = async () => {}): Promise<void> {
    try {
      await this.processTaken(heartbeat);
    } catch (err) {
      // What was taken from the fetch has neither output nor a commit now: no later commit (a
      // tick's) may move the offsets past it. The task is done; whoever starts it next reads
      // again from the committed offsets.
      this.failed = err;
      throw err;
    }
  }

  private async processTaken(heartbeat: () => Promise<void>): Promise<void> {
    let items: unknown[];
    if (this.merge) {
      await this.refreshCaughtUp();
      const released = this.merge.drain();
      for (const r of released) this.released.set(r.source, r.offset + 1n);
      if (released.length) this.metaDirty = true;
      items = released.map((r) => r.value);
    } else {
      items = this.items;
      this.items = [];
    }
    const taken = this.taken;
    this.taken = [];
    // A heartbeat that finds the group rebalancing is kafkajs' to act on once the batch is done;
    // the batch's transaction still commits (or is fenced, if the task moved meanwhile).
    let out = new Output(() => heartbeat().catch(() => {}));
    if (items.length) {
      try {
        await this.processor.process(items, out);
      } catch (err) {
        if (!this.isRecordFault(err)) throw err;
        // What the failed run sent is dropped: the records are run again, one at a time.
        out = new Output(() => heartbeat().catch(() => {}));
        await this.processOneByOne(items, taken, out, heartbeat);
      }
    }
    await this.commit(out);
  }

  /**
   * A stateless stage's code failed on something in the data (a TypeError, a RangeError): it is
   * run again record by record, and the records it fails on go to the DLQ with the error, so one
   * record cannot stall its partition. A stateful stage keeps no undo of a half-processed batch:
   * its failure stops the task, which starts again from what was committed.
   */
  private isRecordFault(err: unknown): boolean {
    return !this.stage.stateful && !this.merge && (err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError);
  }

  private async processOneByOne(items: unknown[], taken: typeof this.taken, out: Output, heartbeat: () => Promise<void>): Promise<void> {
    for (let i = 0; i < items.length; i++) {
      const one = new Output(() => heartbeat().catch(() => {}));
      try {
        await this.processor.process([items[i]], one);
      } catch (err) {
        if (!this.isRecordFault(err)) throw err;
        const { topic, m } = taken[i]!;
        this.poison.push(this.poisonOf(topic, m, new BadRecordError(`${this.d.component} failed on this record: ${(err as Error).message}`, { topic, partition: this.partition, offset: m.offset }, { cause: err })));
        continue;
      }
      out.sent.push(...one.sent);
      out.rejected.push(...one.rejected);
    }
  }

  /** Per input partition, the offset to commit: before the first record still waiting in the join. */
  private commitOffsets(): Map<string, bigint> {
    const out = new Map<string, bigint>();
    for (const i of this.inputs) {
      let at = i.read;
      if (this.merge) for (const s of this.sources()) if (s.startsWith(`${i.topic}:${this.partition}`)) {
        const head = this.merge.headOffset(s);
        if (head !== undefined && head < at) at = head;
      }
      out.set(i.topic, at);
    }
    return out;
  }

  private marker(): { next: bigint; end: bigint } | undefined {
    if (!this.stage.repartitionTo) return undefined;
    const input = this.inputs[0]!;
    return { next: input.read, end: input.end };
  }

  /** One transaction: outputs, progress markers, changed state, DLQ records and offsets. */
  private async commit(out: Output): Promise<void> {
    const { topology, encoder } = this.d;
    const offsets = this.commitOffsets();
    const moved = this.inputs.filter((i) => offsets.get(i.topic)! > i.committed);
    const dirty = [...(this.processor.takeDirty?.() ?? [])];
    const marker = this.marker();
    const markerText = marker ? JSON.stringify({ u: this.partition, next: marker.next.toString(), end: marker.end.toString() }) : '';
    const newMarker = marker !== undefined && markerText !== this.lastMarker;
    const poison = this.poison;
    if (!moved.length && !out.sent.length && !dirty.length && !newMarker && !poison.length && !(this.metaDirty && this.stage.stateful)) return;
    this.poison = [];
    const started = process.hrtime.bigint();
    const messages = new Map<string, Message[]>();
    const add = (topic: string, m: Message) => (messages.get(topic) ?? messages.set(topic, []).get(topic)!).push(m);
    const created = Date.now();
    for (const s of out.sent) {
      const topic = topology.topicOf(s.output);
      const internal = topology.isRepartition(s.output);
      // A catalog output carries its create time (its timestamp is its event time): the sink's latency metrics start there.
      const headers = internal ? { [UPSTREAM_HEADER]: String(this.partition) } : createdAtHeader(created);
      add(topic, await encoder.message(topology.schemaOf(s.output) as never, s.record as never, headers, internal || s.key ? { topic, key: s.key ?? '' } : undefined));
    }
    for (const r of out.rejected) poison.push(this.poisonOf(r.record.topic, { ...r.record, key: r.record.raw.key, value: r.record.raw.value }, r.error));
    if (newMarker) {
      const topic = topology.topicOf(this.stage.repartitionTo!);
      for (let p = 0; p < topology.partitionsOf(topic); p++) add(topic, { key: '~progress', value: null, partition: p, headers: { [PROGRESS_HEADER]: markerText } });
    }
    if (this.stage.stateful) {
      const changelog = topology.changelogTopic(this.stage.name);
      for (const key of dirty) add(changelog, changelogMessage(key, this.processor.snapshot!(key), this.partition));
      if (this.metaDirty) add(changelog, changelogMessage(TASK_META_KEY, this.meta(), this.partition));
    }
    try {
      const tx = await this.producer.transaction();
      try {
        for (const [topic, ms] of messages) await sendChunked(tx, topic, ms);
        await sendToDlq(tx, poison);
        if (moved.length) {
          await sendOffsetsRetrying(tx, {
            consumerGroupId: this.d.groupId,
            topics: moved.map((i) => ({ topic: i.topic, partitions: [{ partition: this.partition, offset: offsets.get(i.topic)!.toString() }] })),
          });
        }
        await tx.commit();
      } catch (err) {
        await tx.abort().catch(() => {});
        throw err;
      }
    } catch (err) {
      throw isFenced(err) ? new TaskFencedError(this.name, { cause: err }) : err;
    }
    for (const i of moved) i.committed = offsets.get(i.topic)!;
    if (newMarker) this.lastMarker = markerText;
    this.metaDirty = false;
    reportDlq(this.d.log, poison);
    this.d.counts.dlq += poison.length;
    this.metrics.commitSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    for (const [topic, ms] of messages) this.metrics.recordsOut.inc({ topic }, ms.length);
    for (const i of this.inputs) this.metrics.lag.set({ topic: i.topic }, Number(i.end - i.committed));
    if (Date.now() - this.purgedAt >= PURGE_INTERVAL_MS) await this.purgeRepartitioned();
  }

  /**
   * A repartition topic keeps its records until the task that reads them has committed past them
   * (retention -1): then they are deleted, so the topic holds only what is still to be read.
   * Best effort: what is not deleted now is deleted at the next purge.
   */
  private async purgeRepartitioned(): Promise<void> {
    this.purgedAt = Date.now();
    for (const i of this.inputs.filter((x) => x.repartition && x.committed > x.purged)) {
      try {
        await this.d.admin.deleteTopicRecords({ topic: i.topic, partitions: [{ partition: this.partition, offset: i.committed.toString() }] });
        i.purged = i.committed;
      } catch (err) {
        this.d.log.debug({ task: this.name, topic: i.topic, err: (err as Error).message }, 'repartitioned records not deleted yet');
      }
    }
  }

  /** Caught up: everything read is committed, nothing waits in the join, every input at its end. */
  idle(): boolean {
    if (this.failed) return false;
    if (this.closed) return true;
    if (this.merge && this.merge.buffered > 0) return false;
    if (this.items.length || this.poison.length) return false;
    if (this.stage.repartitionTo && this.lastMarker !== JSON.stringify({ u: this.partition, next: this.inputs[0]!.read.toString(), end: this.inputs[0]!.end.toString() })) return false;
    return this.inputs.every((i) => i.read >= i.end && i.committed >= i.read);
  }

  /** Stops the task; what it did not commit is done again by whoever runs it next. */
  async close(): Promise<void> {
    this.closed = true;
    // Work in flight may be stuck on a broker that froze or went away: it gets a few seconds.
    await bounded(this.queue, 5000, `task ${this.name}'s work in flight`, this.d.log);
    await bounded(this.purgeRepartitioned(), 5000, `task ${this.name}'s purge of repartitioned records`, this.d.log);
    this.metrics.remove();
    await bounded(this.producer.disconnect(), 5000, `task ${this.name}'s producer disconnect`, this.d.log);
  }
}

class Output implements TaskOutput {
  readonly sent: Array<{ output: string; record: unknown; key?: string }> = [];
  readonly rejected: Array<{ record: InputRecord; error: BadRecordError }> = [];
  constructor(readonly keepAlive: () => Promise<void>) {}
  send(output: string, record: unknown, o?: { key?: string }): void {
    this.sent.push({ output, record, key: o?.key });
  }
  reject(record: InputRecord, error: BadRecordError): void {
    this.rejected.push({ record, error });
  }
}
