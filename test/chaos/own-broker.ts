import { rmSync } from 'node:fs';
import type { Admin, Kafka } from 'kafkajs';
import type { ConnectionsConfig } from '../../core/config.ts';
import { createKafka } from '../../core/kafka.ts';
import { createRegistry } from '../../core/registry.ts';
import { kafkaBroker } from '../../deploy/local/kafka-broker.ts';
import { servicePaths } from '../../deploy/local/layout.ts';
import { bringUp } from '../../deploy/local/services.ts';
import { applyTopics } from '../../schemas/apply.ts';
import { deleteSubjects, testConnections, uniquePrefix } from '../kafka.ts';
import { scrapeMetric, waitFor, type ComponentProcess } from './component-process.ts';

// A Kafka broker of one test's own (never the shared one), which the test may stop and start
// under load. Topics are created per run with a unique prefix; the registry is the shared one.

export interface OwnBroker {
  readonly address: string;
  /** The shared connections with this broker instead of the shared one. */
  readonly conn: ConnectionsConfig;
  /** Environment for a child process: the broker's address. */
  readonly env: Record<string, string>;
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** A unique prefix with every topic created and every schema registered. */
  newPrefix(label: string): Promise<string>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Freezes the broker process (SIGSTOP): connections stay open and nothing answers, like a hung host. */
  freeze(): void;
  /** Lets a frozen broker go on (SIGCONT). */
  thaw(): void;
  /** Stops the broker, removes its data and the run's registry subjects. */
  remove(): Promise<void>;
}

export async function ownBroker(instance: string, port: number): Promise<OwnBroker> {
  const shared = testConnections();
  const address = `127.0.0.1:${port}`;
  const conn = { ...shared, kafka: { ...shared.kafka, brokers: [address] } };
  const broker = kafkaBroker({ instance, port, controllerPort: port + 1, heap: '384m' });
  const prefixes: string[] = [];
  await broker.stop();
  rmSync(servicePaths(instance).root, { recursive: true, force: true });
  await bringUp(broker, () => {});
  const kafka = createKafka(conn.kafka, `${instance}-test`);
  const admin = kafka.admin();
  await admin.connect();
  return {
    address,
    conn,
    env: { KAFKA_BROKERS: address },
    kafka,
    admin,
    async newPrefix(label) {
      const prefix = uniquePrefix(label);
      prefixes.push(prefix);
      for (let attempt = 1; ; attempt++) {
        try {
          await applyTopics(admin, createRegistry(conn.registry), prefix);
          return prefix;
        } catch (err) {
          // A broker just started may not know a topic it just created yet (kafkajs waits for
          // leaders only on LEADER_NOT_AVAILABLE); applying again is harmless.
          if (attempt >= 5 || !/does not host this topic-partition/.test((err as Error).message)) throw err;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    },
    stop: async () => void (await broker.stop()),
    start: async () => void (await bringUp(broker, () => {})),
    freeze: () => void process.kill(broker.runningPid()!, 'SIGSTOP'),
    thaw: () => void process.kill(broker.runningPid()!, 'SIGCONT'),
    async remove() {
      const pid = broker.runningPid();
      if (pid) process.kill(pid, 'SIGCONT');
      await admin.disconnect().catch(() => {});
      await broker.stop();
      rmSync(servicePaths(instance).root, { recursive: true, force: true });
      for (const prefix of prefixes) await deleteSubjects(shared.registry.url, prefix).catch(() => {});
    },
  };
}

/** A component's view of the broker outage, from its metrics (METRICS_PORT). */
export function kafkaOutageMetrics(component: string, metricsPort: number) {
  const series = (name: string) => scrapeMetric(metricsPort, `${name}{component="${component}",service="kafka"}`);
  return {
    /** It has retried at least once and holds the unreachable gauge at 1. */
    reported: async () => (await series('ops_pipeline_service_retries_total')) >= 1 && (await series('ops_pipeline_service_unreachable')) === 1,
    /** Its unreachable gauge is back at 0. */
    cleared: async () => (await series('ops_pipeline_service_unreachable')) === 0,
  };
}

/** Waits until each component (name → METRICS_PORT) has reported the outage, or cleared it. */
export async function waitForOutage(state: 'reported' | 'cleared', ports: Record<string, number>, running: ComponentProcess[]): Promise<void> {
  for (const [component, port] of Object.entries(ports)) {
    await waitFor(`${component} to ${state === 'reported' ? 'report the outage' : 'clear the outage gauge'}`, kafkaOutageMetrics(component, port)[state], running);
  }
}
