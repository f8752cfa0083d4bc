import type { Admin } from 'kafkajs';
import { ConfigError } from '../errors.ts';
import { TOPICS, topicName, valueSchema, valueSubject, type TopicId } from '../../schemas/catalog.ts';
import type { Registry } from '../registry.ts';
import type { AnyStage, ComponentDefinition, RepartitionTopic } from './component.ts';

type ComponentProcessor = Extract<ComponentDefinition, { kind: 'processor' }>;
import type { StageTopics } from './task-assigner.ts';
import { createTopicsAndWait } from '../create-topics.ts';

// A processor's stages resolved against the broker: every input and output by its topic name,
// the schema its records carry, the partition count of each stage (its task count), and the
// internal topics — repartition topics and one changelog per stateful stage — which the runtime
// creates itself (as Kafka Streams does) because their names follow the group id.

export interface TopicPlan {
  topic: string;
  partitions: number;
  configs: Record<string, string>;
}

/** A changelog holds one record per key after compaction; compacted promptly, a restore reads little. */
export const CHANGELOG_CONFIGS = {
  'cleanup.policy': 'compact',
  'min.compaction.lag.ms': '0',
  'min.cleanable.dirty.ratio': '0.1',
  'segment.ms': String(10 * 60_000),
  'segment.bytes': String(8 * 1024 * 1024),
};

/** Repartitioned records are deleted by the task that reads them once it committed past them (Task.purgeRepartitioned), not by age. */
export const REPARTITION_CONFIGS = { 'cleanup.policy': 'delete', 'retention.ms': '-1' };

export class Topology {
  private readonly partitions = new Map<string, number>();

  readonly stages: readonly AnyStage[];

  private constructor(
    private readonly definition: ComponentProcessor,
    readonly groupId: string,
    private readonly prefix: string,
  ) {
    this.stages = definition.stages;
  }

  /** Resolves the stages against the broker; refuses inputs of a stage that are not co-partitioned. */
  static async resolve(admin: Admin, definition: ComponentProcessor, groupId: string, prefix: string): Promise<Topology> {
    const t = new Topology(definition, groupId, prefix);
    const stages = t.stages;
    const catalog = [...new Set(stages.flatMap((s) => [...s.inputs, ...s.outputs]).map((r) => t.schemaOf(r)))];
    const { topics } = await admin.fetchTopicMetadata({ topics: catalog.map((id) => topicName(id, prefix)) });
    for (const m of topics) t.partitions.set(m.name, m.partitions.length);
    for (const [name, spec] of Object.entries(definition.internalTopics ?? {})) t.partitions.set(t.internalTopic(name), t.partitions.get(topicName(spec.partitionsLike, prefix))!);
    for (const s of stages) {
      const counts = s.inputs.map((r) => [t.topicOf(r), t.partitions.get(t.topicOf(r))] as const);
      if (new Set(counts.map(([, n]) => n)).size > 1) {
        throw new ConfigError(
          `stage ${s.name} of ${definition.name} joins ${counts.map(([topic, n]) => `${topic} (${n} partitions)`).join(' and ')}: co-partitioned inputs need one partition count (see docs/scaling.md)`,
          'topics',
        );
      }
    }
    return t;
  }

  private internal(ref: string): RepartitionTopic | undefined {
    return this.definition.internalTopics?.[ref];
  }

  internalTopic(name: string): string {
    return `${this.groupId}-${name}-repartition`;
  }

  changelogTopic(stage: string): string {
    return `${this.groupId}-${stage}-changelog`;
  }

  /** The Kafka topic of an input or output. */
  topicOf(ref: string): string {
    if (ref in TOPICS) return topicName(ref as TopicId, this.prefix);
    if (this.internal(ref)) return this.internalTopic(ref);
    throw new Error(`${this.definition.name}: unknown topic ${ref}`);
  }

  /** The catalog topic whose schema the records of this input or output carry. */
  schemaOf(ref: string): TopicId {
    if (ref in TOPICS) return ref as TopicId;
    const internal = this.internal(ref);
    if (!internal) throw new Error(`${this.definition.name}: unknown topic ${ref}`);
    return internal.schema;
  }

  isRepartition(ref: string): boolean {
    return !!this.internal(ref);
  }

  /** The stage that writes this repartition topic, i.e. whose tasks' progress its readers wait on. */
  writerOf(ref: string): AnyStage | undefined {
    return this.stages.find((s) => s.repartitionTo === ref);
  }

  partitionsOf(topic: string): number {
    const n = this.partitions.get(topic);
    if (n === undefined) throw new Error(`${this.definition.name}: ${topic} has not been resolved`);
    return n;
  }

  /** A stage's task count: the partitions of its (co-partitioned) inputs. */
  tasksOf(stage: AnyStage): number {
    return this.partitionsOf(this.topicOf(stage.inputs[0]!));
  }

  stageTopics(): StageTopics[] {
    return this.stages.map((s) => ({ stage: s.name, topics: s.inputs.map((r) => this.topicOf(r)) }));
  }

  stageOfTopic(topic: string): AnyStage | undefined {
    return this.stages.find((s) => s.inputs.some((r) => this.topicOf(r) === topic));
  }

  internalPlans(): TopicPlan[] {
    const plans: TopicPlan[] = [];
    for (const name of Object.keys(this.definition.internalTopics ?? {})) {
      plans.push({ topic: this.internalTopic(name), partitions: this.partitionsOf(this.internalTopic(name)), configs: REPARTITION_CONFIGS });
    }
    for (const s of this.stages.filter((x) => x.stateful)) plans.push({ topic: this.changelogTopic(s.name), partitions: this.tasksOf(s), configs: CHANGELOG_CONFIGS });
    return plans;
  }

  /**
   * Creates the internal topics that are missing and registers the repartition topics' value
   * schemas. An internal topic whose partitions no longer match its stage is refused: the keys
   * would move between tasks, away from their state.
   */
  async ensureInternalTopics(admin: Admin, registry: Registry): Promise<void> {
    const plans = this.internalPlans();
    const existing = new Set(await admin.listTopics());
    const missing = plans.filter((p) => !existing.has(p.topic));
    if (missing.length) {
      // Another instance may create them at the same time: that is not a failure.
      await createTopicsAndWait(
        admin,
        missing.map((p) => ({ topic: p.topic, numPartitions: p.partitions, replicationFactor: -1, configEntries: Object.entries(p.configs).map(([name, value]) => ({ name, value })) })),
      );
    }
    const present = plans.filter((p) => existing.has(p.topic));
    if (present.length) {
      const { topics } = await admin.fetchTopicMetadata({ topics: present.map((p) => p.topic) });
      for (const m of topics) {
        const want = plans.find((p) => p.topic === m.name)!.partitions;
        if (m.partitions.length !== want) {
          throw new ConfigError(
            `${m.name} has ${m.partitions.length} partitions, but its stage now has ${want} tasks: the keys would move between tasks, away from their state. ` +
              'Reset the component (delete its internal topics and consumer group) before changing the partitions of its inputs',
            'topics',
          );
        }
      }
    }
    for (const [name, spec] of Object.entries(this.definition.internalTopics ?? {})) {
      const subject = valueSubject(this.internalTopic(name));
      await registry.registerVersion(subject, JSON.stringify(valueSchema(spec.schema)));
    }
  }
}
