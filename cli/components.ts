import { candlesComponent } from '../connectors/candles/component.ts';
import { sinkComponent } from '../connectors/postgres-sink/component.ts';
import { rssComponent } from '../connectors/rss/component.ts';
import type { z } from 'zod';
import { DatabaseConfig, KafkaConfig, loadSection, RegistryConfig, type ConfigSources } from '../core/config.ts';
import type { ComponentDefinition } from '../core/runtime/component.ts';
import { TOPICS, TopicsConfig, type TopicId } from '../schemas/catalog.ts';
import type { GroupSpec } from './status/collect.ts';
import { classifyComponent } from '../streams/classify/component.ts';
import { executorComponent } from '../streams/executor/component.ts';
import { signalsComponent } from '../streams/signals/component.ts';

// The runnable pipeline components (`ops-pipeline run <name>`): the one registry that `run`,
// `preflight`, `status`, the config loader's sections, the compose check and the generated
// configuration reference read.

export const COMPONENTS: readonly ComponentDefinition[] = [rssComponent, candlesComponent, classifyComponent, signalsComponent, sinkComponent, executorComponent];

export function component(name: string): ComponentDefinition | undefined {
  return COMPONENTS.find((c) => c.name === name);
}

/** The sections every command shares, with their specs: the connections and the topics. */
export const SHARED_SECTIONS: Readonly<Record<string, z.ZodType>> = { kafka: KafkaConfig, registry: RegistryConfig, database: DatabaseConfig, topics: TopicsConfig };

/** Sections a config file may hold: the connections, the topics, and one per component. */
export const CONFIG_SECTIONS = [...Object.keys(SHARED_SECTIONS), ...COMPONENTS.map((c) => c.section)];

/** The consumer groups of the pipeline (processors and the sink) with the catalog topics each reads, as `status` shows them. */
export function consumerGroups(sources: ConfigSources, prefix: string): GroupSpec[] {
  const groups: GroupSpec[] = [];
  for (const def of COMPONENTS) {
    const config = loadSection(def.section, def.config, sources) as { groupId?: string; topics?: string[] };
    if (!config.groupId) continue;
    const topics = def.kind === 'processor' ? [...new Set(processorInputs(def))] : (config.topics ?? []);
    groups.push({ component: def.name, groupId: `${prefix}${config.groupId}`, topics: topics.filter((t): t is TopicId => t in TOPICS) });
  }
  return groups;
}

/** Every input a processor's stages read, by catalog id or internal name. */
function processorInputs(def: Extract<ComponentDefinition, { kind: 'processor' }>): string[] {
  return def.stages.flatMap((s) => s.inputs);
}
