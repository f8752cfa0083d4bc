import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Admin, ITopicConfig } from 'kafkajs';
import { DLQ_RETENTION_MS, TOPIC_IDS, TOPICS, dlqTopicName, topicName, valueSchema, valueSubject, type TopicId } from './catalog.ts';

// `topics apply`: create what is missing (topics with their configs, DLQ topics) and
// register every value schema under BACKWARD compatibility. Idempotent.

export interface TopicPlan {
  topic: string;
  partitions: number;
  configs: Record<string, string>;
}

export function plannedTopics(prefix: string): TopicPlan[] {
  const plans: TopicPlan[] = [];
  for (const id of TOPIC_IDS) {
    const spec = TOPICS[id];
    plans.push({
      topic: topicName(id, prefix),
      partitions: spec.partitions,
      configs:
        spec.cleanup === 'compact'
          ? { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0', 'segment.ms': String(3600 * 1000) }
          : { 'cleanup.policy': 'delete', 'retention.ms': String(spec.retentionMs) },
    });
    plans.push({
      topic: dlqTopicName(id, prefix),
      partitions: 1,
      configs: { 'cleanup.policy': 'delete', 'retention.ms': String(DLQ_RETENTION_MS) },
    });
  }
  return plans;
}

export interface ApplyReport {
  topics: Array<{ topic: string; result: 'created' | 'exists' }>;
  schemas: Array<{ subject: string; id: number }>;
}

export async function applyTopics(admin: Admin, registry: SchemaRegistry, prefix: string): Promise<ApplyReport> {
  const existing = new Set(await admin.listTopics());
  const plans = plannedTopics(prefix);
  const missing = plans.filter((p) => !existing.has(p.topic));
  if (missing.length) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map(
        (p): ITopicConfig => ({
          topic: p.topic,
          numPartitions: p.partitions,
          replicationFactor: -1, // the broker's default.replication.factor
          configEntries: Object.entries(p.configs).map(([name, value]) => ({ name, value })),
        }),
      ),
    });
  }
  const topics = plans.map((p) => ({ topic: p.topic, result: existing.has(p.topic) ? ('exists' as const) : ('created' as const) }));
  const schemas = [];
  for (const id of TOPIC_IDS) schemas.push(await registerValueSchema(registry, id, prefix));
  return { topics, schemas };
}

/** Registers (or finds) the topic's value schema; same content gives the same id. */
export async function registerValueSchema(registry: SchemaRegistry, id: TopicId, prefix: string): Promise<{ subject: string; id: number }> {
  const subject = valueSubject(topicName(id, prefix));
  const { id: schemaId } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(valueSchema(id)) },
    { subject, compatibility: COMPATIBILITY.BACKWARD },
  );
  return { subject, id: schemaId };
}
