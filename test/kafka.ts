import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { loadConnections, type ConnectionsConfig } from '../core/config.ts';
import { createKafka } from '../core/kafka.ts';
import { Registry, createRegistry } from '../core/registry.ts';
import { applyTopics } from '../schemas/apply.ts';

/** Connections for integration tests (env or the local defaults). */
export function testConnections(): ConnectionsConfig {
  return loadConnections({});
}

/** A unique topic prefix, so test files never share topics, groups or subjects. */
export function uniquePrefix(label: string): string {
  return `t-${label}-${randomBytes(4).toString('hex')}.`;
}

/** A component's consumer group under a topic prefix: the default group id, prefixed as the runtime does. */
export function groupOf(prefix: string, component: 'classify' | 'signals' | 'executor' | 'sink'): string {
  return `${prefix}ops-pipeline-${component}`;
}

/** Deletes (soft, then permanently) every registry subject whose topic has this prefix. */
export async function deleteSubjects(registryUrl: string, prefix: string): Promise<void> {
  const registry = new Registry(registryUrl);
  for (const subject of (await registry.subjects()).filter((s) => s.startsWith(prefix))) await registry.deleteSubject(subject);
}

/** Deletes every topic and consumer group whose name starts with this prefix. */
export async function deletePrefixed(admin: Admin, prefix: string): Promise<void> {
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  if (topics.length) await admin.deleteTopics({ topics }).catch(() => {});
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
  // A group that still has members cannot be deleted; that is the test's own leak to fix.
  if (groups.length) await admin.deleteGroups(groups).catch(() => {});
}

export interface TestTopics {
  prefix: string;
  kafka: Kafka;
  admin: Admin;
  /** Deletes every topic, consumer group and subject with this prefix. */
  cleanup(): Promise<void>;
}

/** Creates the whole catalog under a fresh prefix and registers its schemas. */
export async function testTopics(label: string): Promise<TestTopics> {
  const conn = testConnections();
  const prefix = uniquePrefix(label);
  const kafka = createKafka(conn.kafka, `test-${label}`);
  const admin = kafka.admin();
  await admin.connect();
  await applyTopics(admin, createRegistry(conn.registry), prefix);
  return {
    prefix,
    kafka,
    admin,
    async cleanup() {
      await deletePrefixed(admin, prefix);
      await admin.disconnect();
      await deleteSubjects(conn.registry.url, prefix);
    },
  };
}
