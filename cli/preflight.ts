import type { Command } from 'commander';
import { loadSection } from '../core/config.ts';
import { ConfigError, ServiceUnreachableError } from '../core/errors.ts';
import { logger } from '../core/log.ts';
import { reportServiceAttempt } from '../core/metrics.ts';
import { checkKafka, createKafka, withKafka } from '../core/kafka.ts';
import { checkRegistry } from '../core/registry.ts';
import { failedService } from '../core/retriable.ts';
import { plannedTopics } from '../schemas/apply.ts';
import { TopicsConfig } from '../schemas/catalog.ts';
import { configSources, connections } from '../core/command-config.ts';
import { component } from './components.ts';
import { componentConfig } from './component-config.ts';
import { retryDelayMs } from '../core/retry-policy.ts';
import { signalledBeforeRunning } from '../core/run-until-signal.ts';

const log = logger('preflight');


// Before a component starts: the config is valid, Kafka and the registry answer, and the
// topics exist. Each failure is one line and an exit code (2 config, 3 unreachable) instead
// of a minute of kafkajs retries, a stack trace, or a consumer waiting forever on a topic
// that a mistyped --topic-prefix names.

/**
 * A long-running component started while Kafka or the registry is away waits for it, with a
 * backoff and a warning per attempt, instead of exiting (a supervisor would only restart it
 * into the same wait); with `--once` it exits with code 3 at once. SIGTERM or SIGINT while it
 * waits ends the start with exit code 0 (nothing runs yet that would need stopping), as a
 * running component stops on them.
 */
async function untilReachable(cmd: Command, check: () => Promise<void>): Promise<void> {
  let service: string | undefined;
  let signalled = signalledBeforeRunning();
  let wake = () => {};
  const onSignal = (signal: NodeJS.Signals) => {
    signalled = signal;
    wake();
  };
  const stopIfSignalled = () => {
    if (!signalled) return;
    log.info({ signal: signalled }, `stopped while waiting for ${service ?? 'the services'}`);
    process.exit(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for (let failures = 1; ; failures++) {
      try {
        await check();
        stopIfSignalled();
        if (service) reportServiceAttempt(cmd.name(), service, true);
        return;
      } catch (err) {
        if (!(err instanceof ServiceUnreachableError) || (cmd.opts() as { once?: boolean }).once) throw err;
        const delay = retryDelayMs(failures);
        service = failedService(err);
        reportServiceAttempt(cmd.name(), service, false);
        stopIfSignalled();
        log.warn({ err: err.message, failures, retryInMs: delay }, `${err.service} unreachable at start; waiting for it`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        stopIfSignalled();
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export async function preflight(cmd: Command): Promise<void> {
  const conn = connections(cmd);
  const sources = configSources(cmd);
  const { prefix } = loadSection('topics', TopicsConfig, sources);
  // All of the component's config is checked before any service is called.
  const def = component(cmd.name());
  if (def) componentConfig(def, cmd, cmd.opts());
  await untilReachable(cmd, () => checkKafka(conn.kafka));
  await untilReachable(cmd, () => checkRegistry(conn.registry));
  const existing = await withKafka(conn.kafka, async () => {
    const admin = createKafka(conn.kafka, 'preflight').admin();
    await admin.connect();
    try {
      return new Set(await admin.listTopics());
    } finally {
      await admin.disconnect();
    }
  });
  const missing = plannedTopics(prefix)
    .map((p) => p.topic)
    .filter((t) => !existing.has(t));
  if (missing.length) {
    const apply = `npx ops-pipeline${prefix ? ` --topic-prefix ${prefix}` : ''} topics apply`;
    throw new ConfigError(`${missing.length} topic(s) missing, e.g. ${missing[0]}: create them with \`${apply}\`, or fix the prefix`, 'topics.prefix');
  }
}
