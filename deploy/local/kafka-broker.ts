import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig } from 'kafkajs';
import { kafkaLibs, servicePaths, VERSIONS } from './layout.ts';
import { clusterIdOf, formatStorage } from './kraft-storage.ts';
import { runningPid, spawnDetached, stopProcess } from './process.ts';
import type { LocalService } from './service.ts';
import { checkJava, maven } from './tools.ts';

// A real Apache Kafka broker in KRaft mode, one node acting as broker and controller,
// from Maven Central jars. Replication factors are 1 so idempotence and transactions work.

export interface KafkaBrokerOptions {
  host?: string;
  port?: number;
  controllerPort?: number;
  heap?: string;
  /**
   * Folder name under the services home for data, config, log and pid. `services up` uses
   * `kafka`; tests that restart or reconfigure a broker start their own instance under
   * another name so the shared broker is never touched. Jars are shared by all instances.
   */
  instance?: string;
  /** server.properties entries that replace or add to the defaults (listeners, TLS, SASL). */
  properties?: Record<string, string>;
  /** Extra arguments to `kafka-storage format`, e.g. `--add-scram` credentials. */
  formatArgs?: string[];
  /** Client settings the readiness check needs to reach the broker (TLS, SASL). */
  client?: Pick<KafkaJsConfig, 'ssl' | 'sasl'>;
}

type BrokerSettings = Required<Pick<KafkaBrokerOptions, 'host' | 'port' | 'controllerPort'>> & Pick<KafkaBrokerOptions, 'properties'>;

export function kafkaServerProperties(o: BrokerSettings, logDir: string): string {
  const merged = { ...defaultProperties(o, logDir), ...(o.properties ?? {}) };
  return `# Written by ops-pipeline services up; edits are overwritten.\n${Object.entries(merged)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}

function defaultProperties(o: BrokerSettings, logDir: string): Record<string, string> {
  return {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.bootstrap.servers': `${o.host}:${o.controllerPort}`,
    'listeners': `PLAINTEXT://${o.host}:${o.port},CONTROLLER://${o.host}:${o.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${o.host}:${o.port}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': logDir,
    'num.partitions': '3',
    'default.replication.factor': '1',
    'auto.create.topics.enable': 'false',
    // One node: every internal topic must live with a single replica, or transactions hang.
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '3',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '3',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    'min.insync.replicas': '1',
    // Tests join and leave groups constantly; no need to wait for more members.
    'group.initial.rebalance.delay.ms': '0',
    'log.retention.hours': '-1',
  };
}

const LOG4J2 = `rootLogger.level=INFO
rootLogger.appenderRef.stdout.ref=STDOUT
appender.stdout.type=Console
appender.stdout.name=STDOUT
appender.stdout.layout.type=PatternLayout
appender.stdout.layout.pattern=[%d] %p %m (%c)%n
logger.state.name=state.change.logger
logger.state.level=WARN
`;

export function kafkaBroker(opts: KafkaBrokerOptions = {}): LocalService {
  const o = { host: '127.0.0.1', port: 9092, controllerPort: 9093, heap: '512m', instance: 'kafka', formatArgs: [], ...opts };
  const paths = servicePaths(o.instance);
  const libs = kafkaLibs();
  const dataDir = join(paths.root, 'data');
  const configFile = join(paths.root, 'server.properties');
  const log4jFile = join(paths.root, 'log4j2.properties');
  const classpath = `${libs}/*`;

  return {
    name: o.instance,
    address: `${o.host}:${o.port}`,
    logFile: paths.logFile,
    ports: [
      { host: o.host, port: o.port },
      { host: o.host, port: o.controllerPort },
    ],
    startTimeoutMs: 90_000,

    async install(report) {
      if (existsSync(libs) && readdirSync(libs).some((f) => f.startsWith('kafka_2.13'))) return;
      report(`fetching Apache Kafka ${VERSIONS.kafka} jars from Maven Central into ${libs}`);
      maven(
        ['dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${libs}`, `-Dkafka.version=${VERSIONS.kafka}`, `-Dlog4j.version=${VERSIONS.log4j}`],
        `Apache Kafka ${VERSIONS.kafka}`,
      );
    },

    async start(report) {
      const java = checkJava();
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(configFile, kafkaServerProperties(o, dataDir));
      writeFileSync(log4jFile, LOG4J2);
      if (!existsSync(join(dataDir, 'meta.properties'))) {
        report(`formatting KRaft storage in ${dataDir}`);
        formatStorage({ java, classpath, configFile, log4jFile, clusterId: clusterIdOf(paths.root), formatArgs: o.formatArgs });
      }
      return spawnDetached(
        java,
        ['-Xms256m', `-Xmx${o.heap}`, '-XX:+UseG1GC', '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${log4jFile}`, '-cp', classpath, 'kafka.Kafka', configFile],
        { logFile: paths.logFile, pidFile: paths.pidFile, cwd: paths.root },
      );
    },

    async ready() {
      const kafka = new Kafka({ brokers: [`${o.host}:${o.port}`], logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 0 }, ...o.client });
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        return cluster.brokers.length > 0;
      } finally {
        await admin.disconnect().catch(() => {});
      }
    },

    runningPid: () => runningPid(paths.pidFile),
    stop: () => stopProcess(paths.pidFile),
  };
}

