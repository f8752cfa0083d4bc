import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { loadConnections, type ConnectionsConfig } from '../core/config.ts';
import { createKafka } from '../core/kafka.ts';
import { createRegistry } from '../core/registry.ts';
import { applyTopics } from '../schemas/apply.ts';

/** Connections for integration tests (env or the local defaults). */
export function testConnections(): ConnectionsConfig {
  return loadConnections({});
}

/** A unique topic prefix, so test files never share topics, groups or subjects. */
export function uniquePrefix(label: string): string {
  return `t-${label}-${randomBytes(4).toString('hex')}.`;
}

/** Deletes (soft, then permanently) every registry subject whose topic has this prefix. */
export async function deleteSubjects(registryUrl: string, prefix: string): Promise<void> {
  const base = registryUrl.replace(/\/$/, '');
  const subjects = (await (await fetch(`${base}/subjects`)).json()) as string[];
  for (const subject of subjects.filter((s) => s.startsWith(prefix))) {
    const path = `${base}/subjects/${encodeURIComponent(subject)}`;
    await fetch(path, { method: 'DELETE' });
    await fetch(`${path}?permanent=true`, { method: 'DELETE' });
  }
}

export interface TestTopics {
  prefix: string;
  kafka: Kafka;
  admin: Admin;
  /** Deletes every topic with this prefix. */
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
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      if (mine.length) await admin.deleteTopics({ topics: mine }).catch(() => {});
      await admin.disconnect();
      await deleteSubjects(conn.registry.url, prefix);
    },
  };
}
