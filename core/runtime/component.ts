import type { Batch, Kafka } from 'kafkajs';
import type { z } from 'zod';
import type { ConnectionsConfig } from '../config.ts';
import type { BadRecordError } from '../errors.ts';
import type { TopicId } from '../../schemas/catalog.ts';
import type { Interval } from '../../schemas/intervals.ts';
import type { InputRecord } from './input-record.ts';
import type { GroupSettings } from './processor-fields.ts';
import type { TaskId } from './task-id.ts';

// What a component declares; everything else — sessions, retries, transactions, offsets,
// state restore, rebalances, `--once`, stopping, metrics — is the runtime's (Kafka Streams'
// split: a component writes the Processor, the runtime is the StreamThread).

/** The deployment every component runs in: connections and the topics section. */
export interface Deployment {
  connections: ConnectionsConfig;
  /** Prepended to every topic, consumer group and transactional id. */
  prefix: string;
  /** The one bar interval of market.candles (topics.candleInterval). */
  candleInterval: Interval;
}

export interface RunOptions {
  /** Process what is there, then stop. */
  once?: boolean;
}

/** A running component: `done` settles with its summary when it stops; `stop` asks it to. */
export interface Running<S> {
  done: Promise<S>;
  stop(): Promise<void>;
}

/** A flag of `run <component>` beyond `--once`, turned into config overrides or options. */
export interface ComponentOption {
  flags: string;
  description: string;
  parse?: (value: string, previous: unknown) => unknown;
}

/** The flag every `run <component>` has. */
export const ONCE_OPTION: ComponentOption = { flags: '--once', description: 'process what is there until caught up, then exit' };

interface ComponentBase<C> {
  name: string;
  description: string;
  /** The config section it reads (`rss`, `classify`, …), validated by `config`. */
  section: string;
  config: z.ZodType<C>;
  options?: readonly ComponentOption[];
  /** Turns the command line's options into the section's overrides (merged over file and env). */
  overrides?: (options: Record<string, unknown>) => Record<string, unknown>;
}

// ---- processors: consume-transform-produce in Kafka transactions, one task per partition ----

/** An internal topic of a processor: named `<group id>-<name>`, created by the runtime. */
export interface RepartitionTopic {
  kind: 'repartition';
  /** Its values are records of this catalog topic's schema, keyed by the repartitioning key. */
  schema: TopicId;
  /** As many partitions as this topic: co-partitioned with it. */
  partitionsLike: TopicId;
}

/** What a task's processor writes to: outputs and, for a record it cannot use, the DLQ. */
export interface TaskOutput {
  send(output: string, record: unknown, o?: { key?: string }): void;
  reject(record: InputRecord, error: BadRecordError): void;
  /** Long work on one batch (a model over thousands of headlines) stays in the group by calling this. */
  keepAlive(): Promise<void>;
}

/** One task's processing: its state lives in it, and in the task's changelog. */
export interface TaskProcessor<T = unknown> {
  /** The task's state as its changelog holds it, before the first item. */
  restore?(entries: ReadonlyMap<string, unknown>): void;
  process(items: T[], out: TaskOutput): void | Promise<void>;
  /** Keys whose state changed since the last call: their snapshots go to the changelog. */
  takeDirty?(): Iterable<string>;
  /** The key's state for the changelog; null deletes it. */
  snapshot?(key: string): unknown;
}

/** What a stage's functions see: the component's config, the deployment, what `open` made. */
export interface StageContext<C = unknown, R = unknown> {
  config: C;
  deployment: Deployment;
  resources: R;
}

export interface Stage<T = unknown, C = never, R = never> {
  name: string;
  /** Catalog topic ids or internal topic names; several are co-partitioned (a join). */
  inputs: readonly string[];
  outputs: readonly string[];
  /** The state of each task is kept in a compacted changelog topic (`<group id>-<stage>-changelog`). */
  stateful?: boolean;
  /** With several inputs: release items in event-time order across them, as a join needs. */
  eventTime?: (item: T) => number;
  /** A decoded record to the processor's item; a BadRecordError sends it to the DLQ. */
  prepare?: (record: InputRecord, ctx: StageContext<C, R>) => T;
  task(id: TaskId, ctx: StageContext<C, R>): TaskProcessor<T>;
  /** Set by `repartition()`: the runtime writes the progress markers its readers wait on. */
  repartitionTo?: string;
}

/** A stage of whatever item type: the stages of one processor carry different items. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStage = Stage<any, any, any>;

/** What a processor opens once per process (a model, say) for its stages, and its summary. */
export interface ProcessorInstance<S, R = unknown> {
  resources: R;
  summary(): S;
  close?(): Promise<void>;
}

/** What the runtime counts for every processor, beside the processor's own summary. */
export interface RuntimeCounts {
  /** Records sent to a DLQ (committed). */
  dlq: number;
}

export interface ProcessorDefinition<C extends GroupSettings = GroupSettings, S = unknown, R = unknown> extends ComponentBase<C> {
  kind: 'processor';
  internalTopics?: Readonly<Record<string, RepartitionTopic>>;
  /** Its topology: static, so that status, docs and topics read it without starting anything. */
  stages: readonly Stage<any, C, R>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  open(config: C, deployment: Deployment, options: Record<string, unknown>): Promise<ProcessorInstance<S, R>>;
  /** The summary line `run` prints at the end. */
  describe(summary: S & RuntimeCounts): string;
}

// ---- sources and the sink: the edges, whose lifecycle the runtime also owns ----

/** What one pass of a source did: when the next is due, and an outage of our services it met. */
export interface PassOutcome {
  dueInMs: number;
  /** Kafka or the registry failed under part of the pass: that part is tried again after a backoff. */
  outage?: unknown;
}

/** A source as it runs: its domain state and what one pass over the due work does. */
export interface SourceInstance<S> {
  /** Polls what is due (everything, with `all`); `signal` aborts waits when the source stops. */
  pass(o: { all: boolean; signal: AbortSignal }): Promise<PassOutcome>;
  summary(): S;
  close(): Promise<void>;
}

/** A component that polls the world (feeds, a market API) into topics (source-runtime.ts). */
export interface SourceDefinition<C = unknown, S = unknown> extends ComponentBase<C> {
  kind: 'source';
  open(config: C, deployment: Deployment, options: Record<string, unknown>): Promise<SourceInstance<S>>;
  /** The summary `run` prints; its last line (the totals) is also the progress line of the log. */
  describe(summary: S): string;
}

/** The consumer-group settings of a sink (sink-runtime.ts). */
export interface SinkGroupSettings extends GroupSettings {
  maxWaitTimeMs: number;
  /** Partition batches written at once. */
  concurrency: number;
  fromBeginning: boolean;
}

/** What a sink's writer gets from the runtime for one batch. */
export interface SinkBatchContext {
  groupId: string;
  /** Keeps the instance in the group while a long write or its retries go on. */
  heartbeat(): Promise<void>;
}

/** A sink as it runs: it writes one partition's batch; the runtime commits the offsets after it. */
export interface SinkInstance<S> {
  write(batch: Batch, ctx: SinkBatchContext): Promise<void>;
  summary(): S;
  close(): Promise<void>;
}

/** A component that writes topics out of Kafka (the PostgreSQL sink). */
export interface SinkDefinition<C extends SinkGroupSettings = SinkGroupSettings, S = unknown> extends ComponentBase<C> {
  kind: 'sink';
  /** The outside system it writes to, for the outage metrics (`postgres`). */
  writesTo: string;
  /** The topics it reads, by name. */
  topics(config: C, deployment: Deployment): string[];
  /** Opens its writers and checks what must hold before the first batch (a topic not recreated, say). */
  open(config: C, deployment: Deployment, kafka: Kafka, groupId: string): Promise<SinkInstance<S>>;
  describe(summary: S): string;
}

export type EdgeDefinition = SourceDefinition<any, any> | SinkDefinition<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ComponentDefinition = ProcessorDefinition<any, any, any> | EdgeDefinition;
