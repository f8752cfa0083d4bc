import { connect } from 'node:net';
import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type logCreator } from 'kafkajs';
import type { ConnectionsConfig } from './config.ts';
import { ServiceUnreachableError } from './errors.ts';
import { logger } from './log.ts';

// One place that turns the validated connection config into a kafkajs client, with
// kafkajs' own logs routed into the structured log.

const log = logger('kafka');

const pinoLogCreator: logCreator = () => ({ level, log: entry }) => {
  const { message, ...extra } = entry;
  if (level === logLevel.ERROR) log.error(extra, message);
  else if (level === logLevel.WARN) log.warn(extra, message);
  else if (level === logLevel.INFO) log.debug(extra, message);
  else log.trace(extra, message);
};

// kafkajs warns once per producer about its v2 partitioner change; we use the default
// (murmur2, Java-compatible) knowingly.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

export function createKafka(kafka: ConnectionsConfig['kafka'], clientSuffix?: string, extra: Partial<KafkaJsConfig> = {}): Kafka {
  return new Kafka({
    clientId: clientSuffix ? `${kafka.clientId}-${clientSuffix}` : kafka.clientId,
    brokers: kafka.brokers,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator,
    connectionTimeout: 5000,
    retry: { initialRetryTime: 300, retries: 8 },
    ...extra,
  });
}

/** Runs `fn` and turns a connection failure into ServiceUnreachableError naming the brokers. */
export async function withKafka<T>(kafka: ConnectionsConfig['kafka'], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const name = (err as Error)?.name ?? '';
    if (/KafkaJSConnectionError|KafkaJSNumberOfRetriesExceeded|KafkaJSBrokerNotFound|KafkaJSNonRetriableError/.test(name) && /connect|ECONNREFUSED|timeout|broker/i.test(String((err as Error).message))) {
      throw new ServiceUnreachableError('Kafka', kafka.brokers.join(','), { cause: err, hint: 'is it running? npx ops-pipeline services status' });
    }
    throw err;
  }
}

/**
 * Fails fast when no bootstrap broker accepts a TCP connection. kafkajs itself retries for
 * about a minute before giving up, which is right for a long-running service and wrong for a
 * one-shot command.
 */
export async function checkKafka(kafka: ConnectionsConfig['kafka'], timeoutMs = 3000): Promise<void> {
  const attempts = kafka.brokers.map((broker) => probe(broker, timeoutMs));
  try {
    await Promise.any(attempts);
  } catch (err) {
    const first = (err as AggregateError).errors?.[0];
    throw new ServiceUnreachableError('Kafka', kafka.brokers.join(','), { cause: first, hint: 'is it running? npx ops-pipeline services status' });
  }
}

function probe(broker: string, timeoutMs: number): Promise<void> {
  const at = broker.lastIndexOf(':');
  const host = broker.slice(0, at).replace(/^\[|\]$/g, '');
  const port = Number(broker.slice(at + 1));
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`connect to ${broker} timed out after ${timeoutMs} ms`));
    });
    socket.once('error', (err) => {
      socket.destroy();
      reject(err);
    });
  });
}
