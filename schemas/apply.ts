import type { Admin, ITopicConfig } from 'kafkajs';
import { createTopicsAndWait } from '../core/create-topics.ts';
import { RegistryHttpError, type Registry } from '../core/registry.ts';
import { DLQ_MAX_MESSAGE_BYTES, DLQ_RETENTION_MS, TOPIC_IDS, TOPICS, dlqTopicName, schemaPath, topicName, valueSchema, valueSubject, type TopicId } from './catalog.ts';
import { partitionAdvice } from './partition-growth.ts';
import { readTopicStates, topicDifferences } from './topic-state.ts';

// `topics apply`: create what is missing (topics with their configs, DLQ topics), set every
// value subject to BACKWARD and register its schema. Idempotent: a second run reports
// everything unchanged. Existing topics are compared with the plan, never altered, except that
// `--add-partitions` grows a topic whose keys carry no state (catalog `growth`).

export const COMPATIBILITY = 'BACKWARD';

export interface TopicPlan {
  topic: string;
  partitions: number;
  configs: Record<string, string>;
  /** What more partitions do to the topic's keys (DLQ topics: nothing, they are read whole). */
  growth: { safe: boolean; why: string };
}

/** A deployment's partition counts where they differ from the catalog's (config topics.partitions). */
export type PartitionCounts = Partial<Record<TopicId, number>>;

const DLQ_GROWTH = { safe: true, why: 'DLQ records are read whole by `dlq` and replayed to their source partition' };

export function plannedTopics(prefix: string, partitions: PartitionCounts = {}): TopicPlan[] {
  const plans: TopicPlan[] = [];
  for (const id of TOPIC_IDS) {
    const spec = TOPICS[id];
    plans.push({
      topic: topicName(id, prefix),
      partitions: partitions[id] ?? spec.partitions,
      growth: spec.growth,
      configs:
        spec.cleanup === 'compact'
          ? // Compact promptly: the RSS source reads the whole topic on start.
            { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0', 'segment.ms': String(3600 * 1000) }
          : { 'cleanup.policy': 'delete', 'retention.ms': String(spec.retentionMs) },
    });
    plans.push({
      topic: dlqTopicName(id, prefix),
      partitions: 1,
      growth: DLQ_GROWTH,
      // Twice the broker's default record limit: a poison record that fit its topic still
      // fits with the DLQ headers added.
      configs: { 'cleanup.policy': 'delete', 'retention.ms': String(DLQ_RETENTION_MS), 'max.message.bytes': String(DLQ_MAX_MESSAGE_BYTES) },
    });
  }
  return plans;
}

export interface TopicResult {
  topic: string;
  result: 'created' | 'unchanged' | 'grown' | 'differs';
  /** For `differs`: what the broker has that the catalog does not want. */
  differences: string[];
  /** For `grown`: the partition count before. For a partition difference: what to do, or why not. */
  partitions?: { from: number; to: number; advice: string };
}

export interface ApplyOptions {
  partitions?: PartitionCounts;
  /** Grow topics with fewer partitions than planned where that is safe for their keys. */
  addPartitions?: boolean;
}

export interface SchemaResult {
  subject: string;
  id: number;
  version: number;
  result: 'registered' | 'unchanged';
  /** Whether apply had to set the subject's compatibility to BACKWARD. */
  compatibility: 'set' | 'unchanged';
}

export interface ApplyReport {
  topics: TopicResult[];
  schemas: SchemaResult[];
}

/** A committed .avsc that the registry refuses as the next version of its subject. */
export class SchemaRefusedError extends Error {
  constructor(
    readonly subject: string,
    readonly file: string,
    readonly status: number,
    detail: string,
  ) {
    super(
      status === 409
        ? `${file} is not ${COMPATIBILITY}-compatible with the registered versions of ${subject}: ${detail}. ` +
            'Add new fields as optional with a default; a breaking change needs a new topic (e.g. a version suffix).'
        : `the registry refused ${file} for ${subject} (HTTP ${status}): ${detail}`,
    );
    this.name = 'SchemaRefusedError';
  }
}

export async function applyTopics(admin: Admin, registry: Registry, prefix: string, o: ApplyOptions = {}): Promise<ApplyReport> {
  const plans = plannedTopics(prefix, o.partitions);
  const states = await readTopicStates(admin, plans);
  const missing = plans.filter((p) => !states.has(p.topic));
  if (missing.length) {
    await createTopicsAndWait(
      admin,
      missing.map(
        (p): ITopicConfig => ({
          topic: p.topic,
          numPartitions: p.partitions,
          replicationFactor: -1, // the broker's default.replication.factor
          configEntries: Object.entries(p.configs).map(([name, value]) => ({ name, value })),
        }),
      ),
    );
  }
  const topics: TopicResult[] = [];
  for (const p of plans) {
    const state = states.get(p.topic);
    if (!state) {
      topics.push({ topic: p.topic, result: 'created', differences: [] });
      continue;
    }
    let partitions: TopicResult['partitions'];
    if (state.partitions !== p.partitions) {
      const { grow, advice } = partitionAdvice(p, state.partitions, Boolean(o.addPartitions));
      partitions = { from: state.partitions, to: p.partitions, advice };
      if (grow) {
        await admin.createPartitions({ topicPartitions: [{ topic: p.topic, count: p.partitions }] });
        state.partitions = p.partitions;
      }
    }
    const differences = topicDifferences(p, state);
    const result = differences.length ? 'differs' : partitions ? 'grown' : 'unchanged';
    topics.push({ topic: p.topic, result, differences, partitions });
  }
  const schemas: SchemaResult[] = [];
  for (const id of TOPIC_IDS) schemas.push(await registerValueSchema(registry, id, prefix));
  return { topics, schemas };
}

/**
 * Sets the subject to BACKWARD (before registering, so the new version is checked under it),
 * then registers the topic's value schema unless that exact schema is already there.
 */
export async function registerValueSchema(registry: Registry, id: TopicId, prefix: string): Promise<SchemaResult> {
  const subject = valueSubject(topicName(id, prefix));
  const schema = JSON.stringify(valueSchema(id));

  let compatibility: SchemaResult['compatibility'] = 'unchanged';
  if ((await registry.subjectCompatibility(subject)) !== COMPATIBILITY) {
    await registry.setSubjectCompatibility(subject, COMPATIBILITY);
    compatibility = 'set';
  }

  const found = await registry.lookupSchema(subject, schema);
  if (found) return { subject, ...found, result: 'unchanged', compatibility };

  try {
    await registry.registerVersion(subject, schema);
  } catch (err) {
    if (err instanceof RegistryHttpError && err.status >= 400 && err.status < 500) {
      throw new SchemaRefusedError(subject, schemaPath(id), err.status, registryMessage(err.body));
    }
    throw err;
  }
  const registered = await registry.lookupSchema(subject, schema);
  if (!registered) throw new Error(`registered ${schemaPath(id)} in ${subject}, but the registry cannot find it again`);
  return { subject, ...registered, result: 'registered', compatibility };
}

function registryMessage(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body;
  }
}
