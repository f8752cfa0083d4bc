import type { Command } from 'commander';
import { loadConnections, loadSection, type ConfigSources, type ConnectionsConfig } from './config.ts';
import { TopicsConfig } from '../schemas/catalog.ts';
import type { Deployment } from './runtime/component.ts';

/** The global flags every subcommand inherits, turned into config sources. */
export function configSources(cmd: Command): ConfigSources {
  const opts = cmd.optsWithGlobals<{ config?: string; brokers?: string; registryUrl?: string; databaseUrl?: string; topicPrefix?: string; candleInterval?: string }>();
  const overrides: Record<string, unknown> = {};
  if (opts.brokers) overrides.kafka = { brokers: opts.brokers.split(',').map((b) => b.trim()).filter(Boolean) };
  if (opts.registryUrl) overrides.registry = { url: opts.registryUrl };
  if (opts.databaseUrl) overrides.database = { url: opts.databaseUrl };
  if (opts.topicPrefix !== undefined || opts.candleInterval !== undefined) {
    overrides.topics = { ...(opts.topicPrefix !== undefined ? { prefix: opts.topicPrefix } : {}), ...(opts.candleInterval !== undefined ? { candleInterval: opts.candleInterval } : {}) };
  }
  return { file: opts.config, overrides };
}

/** The topics section: the prefix and the deployment's candle interval. */
export function topicsConfig(cmd: Command): TopicsConfig {
  return loadSection('topics', TopicsConfig, configSources(cmd));
}

/** The topics section as component options: the prefix and the deployment's candle interval. */
export function topicSettings(t: TopicsConfig): { prefix: string; candleInterval: TopicsConfig['candleInterval'] } {
  return { prefix: t.prefix, candleInterval: t.candleInterval };
}

export function connections(cmd: Command): ConnectionsConfig {
  return loadConnections(configSources(cmd));
}

/** What every component runs in, from the global flags, the env and the config file. */
export function deployment(cmd: Command): Deployment {
  return { connections: connections(cmd), ...topicSettings(topicsConfig(cmd)) };
}
