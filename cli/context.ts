import type { Command } from 'commander';
import { checkTopLevelKeys, loadConnections, type ConfigSources, type ConnectionsConfig } from '../core/config.ts';

/** The global flags every subcommand inherits, turned into config sources. */
export function configSources(cmd: Command): ConfigSources {
  const opts = cmd.optsWithGlobals<{ config?: string; brokers?: string; registryUrl?: string; databaseUrl?: string; topicPrefix?: string }>();
  const overrides: Record<string, unknown> = {};
  if (opts.brokers) overrides.kafka = { brokers: opts.brokers.split(',').map((b) => b.trim()).filter(Boolean) };
  if (opts.registryUrl) overrides.registry = { url: opts.registryUrl };
  if (opts.databaseUrl) overrides.database = { url: opts.databaseUrl };
  if (opts.topicPrefix !== undefined) overrides.topics = { prefix: opts.topicPrefix };
  return { file: opts.config, overrides };
}

export function connections(cmd: Command): ConnectionsConfig {
  const sources = configSources(cmd);
  checkTopLevelKeys(sources);
  return loadConnections(sources);
}
