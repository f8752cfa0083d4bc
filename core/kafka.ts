import { connect } from 'node:net';
import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type logCreator, type SASLOptions } from 'kafkajs';
import type { ConnectionsConfig } from './config.ts';
import { AuthenticationError, ServiceUnreachableError } from './errors.ts';
import { logger } from './log.ts';

// One place that turns the validated connection config into a kafkajs client, with
// kafkajs' own logs routed into the structured log.

const log = logger('kafka');

// CONCURRENT_TRANSACTIONS is the coordinator's normal answer to a transaction that starts
// while the previous one's commit markers are still being written; kafkajs retries it (as the
// Java client does, silently) but logs the response and the retry as errors.
export const CONCURRENT_TRANSACTIONS = /another concurrent operation on the same transaction/;

/** kafkajs' retries for every client of ours. */
const RETRY = { initialRetryTime: 300, retries: 8 };

/**
 * Consumer options for a consumer whose crash its owner handles (a session, a state read):
 * kafkajs must not restart it (its restart timer can outlive our disconnect and revive a
 * consumer of a closed session).
 */
export const noKafkajsRestart = { retry: { ...RETRY, restartOnFailure: async () => false } };

// kafkajs warns whenever an idempotent producer's retries are bounded (ours are: RETRY). The
// bound is what lets an outage surface instead of a send retrying forever, and it keeps every
// guarantee: a send that gives up fails its transaction, which is aborted and done again, and the
// candles source's one non-transactional producer fetches the failed pass again (keyed upserts).
const BOUNDED_RETRIES = /^Limiting retries for the idempotent producer/;
// A group or transaction coordinator still loading its log (a broker just started) answers so;
// kafkajs retries it. Not an error for anyone to act on.
const COORDINATOR_LOADING = /coordinator is loading/i;
// kafkajs logs every error answer of the broker as it arrives ("Response Metadata(key: 3, …)"),
// before it retries or throws: what it cannot retry reaches our code, which says what failed.
const ERROR_RESPONSE = /^Response \w+\(key: \d+, version: \d+\)$/;

const pinoLogCreator: logCreator = () => ({ level, log: entry }) => {
  const { message, ...extra } = entry;
  if (BOUNDED_RETRIES.test(message)) log.trace(extra, message);
  else if (COORDINATOR_LOADING.test(`${message} ${String(extra.error ?? '')}`)) log.debug(extra, `${message} (retried)`);
  else if (ERROR_RESPONSE.test(message)) log.debug(extra, message);
  else if (CONCURRENT_TRANSACTIONS.test(`${message} ${String(extra.error ?? '')}`)) log.debug(extra, `${message} (retried: the previous transaction was still completing)`);
  else if (level === logLevel.ERROR) log.error(extra, message);
  else if (level === logLevel.WARN) log.warn(extra, message);
  else if (level === logLevel.INFO) log.debug(extra, message);
  else log.trace(extra, message);
};

// kafkajs warns once per producer about its v2 partitioner change; we use the default
// (murmur2, Java-compatible) knowingly.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

export function createKafka(kafka: ConnectionsConfig['kafka'], clientSuffix?: string, extra: Partial<KafkaJsConfig> = {}): Kafka {
  const client = new Kafka({
    clientId: clientSuffix ? `${kafka.clientId}-${clientSuffix}` : kafka.clientId,
    brokers: kafka.brokers,
    ssl: kafkaTls(kafka.ssl),
    sasl: kafkaSasl(kafka.sasl),
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator,
    connectionTimeout: 5000,
    retry: RETRY,
    ...extra,
  });
  return typedConnectErrors(client, kafka);
}

function kafkaTls(ssl: ConnectionsConfig['kafka']['ssl']): KafkaJsConfig['ssl'] {
  if (!ssl?.enabled) return undefined;
  return { rejectUnauthorized: ssl.rejectUnauthorized, ca: ssl.ca, cert: ssl.cert, key: ssl.key?.reveal() };
}

function kafkaSasl(sasl: ConnectionsConfig['kafka']['sasl']): SASLOptions | undefined {
  if (!sasl) return undefined;
  return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password.reveal() } as SASLOptions;
}

/**
 * Every producer, consumer and admin of the client reports refused credentials or a failed
 * certificate check as AuthenticationError from `connect()`, so each component stops with
 * one clear message (exit code 2) instead of a stack trace.
 */
function typedConnectErrors(client: Kafka, kafka: ConnectionsConfig['kafka']): Kafka {
  const guard = <T extends { connect(): Promise<void> }>(c: T): T => {
    const connect = c.connect.bind(c);
    c.connect = async () => {
      try {
        await connect();
      } catch (err) {
        throw authenticationError(err, kafka) ?? err;
      }
    };
    return c;
  };
  const { producer, consumer, admin } = client;
  client.producer = (config) => guard(producer.call(client, config));
  client.consumer = (config) => guard(consumer.call(client, config));
  client.admin = (config) => guard(admin.call(client, config));
  return client;
}

// kafkajs wraps the error of the last attempt in KafkaJSNumberOfRetriesExceeded.
function rootCause(err: unknown): Error | undefined {
  let e = err as (Error & { originalError?: unknown; cause?: unknown }) | undefined;
  for (let depth = 0; e?.originalError instanceof Error && depth < 5; depth++) e = e.originalError as typeof e;
  return e instanceof Error ? e : undefined;
}

const TLS_FAILURE = /certificate|self[- ]signed|unable to verify|SSL routines|wrong version number|Hostname\/IP does not match/i;

/** AuthenticationError when the broker refused our SASL credentials or its certificate did not verify. */
function authenticationError(err: unknown, kafka: ConnectionsConfig['kafka']): AuthenticationError | undefined {
  const cause = rootCause(err);
  if (!cause) return undefined;
  const brokers = kafka.brokers.join(',');
  if (cause.name === 'KafkaJSSASLAuthenticationError') {
    return new AuthenticationError('Kafka', brokers, `SASL ${kafka.sasl?.mechanism ?? ''} authentication failed for user ${kafka.sasl?.username ?? '?'} (check kafka.sasl): ${cause.message}`, { cause: err });
  }
  // UNSUPPORTED_SASL_MECHANISM (33), ILLEGAL_SASL_STATE (34): the listener does not do SASL, or not this mechanism.
  const code = (cause as { code?: number }).code;
  if (cause.name === 'KafkaJSProtocolError' && (code === 33 || code === 34)) {
    return new AuthenticationError('Kafka', brokers, `the listener does not accept SASL ${kafka.sasl?.mechanism ?? ''} (check kafka.sasl and the broker's listener): ${cause.message}`, { cause: err });
  }
  if (TLS_FAILURE.test(cause.message)) return new AuthenticationError('Kafka', brokers, `TLS: ${cause.message} (check kafka.ssl)`, { cause: err });
  return undefined;
}

/** Runs `fn` and turns a connection failure into ServiceUnreachableError naming the brokers. */
export async function withKafka<T>(kafka: ConnectionsConfig['kafka'], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AuthenticationError) throw err;
    const auth = authenticationError(err, kafka);
    if (auth) throw auth;
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
