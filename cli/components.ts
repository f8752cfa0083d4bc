import { candlesComponent } from '../connectors/candles/component.ts';
import { sinkComponent } from '../connectors/postgres-sink/component.ts';
import { rssComponent } from '../connectors/rss/component.ts';
import type { z } from 'zod';
import { DatabaseConfig, KafkaConfig, RegistryConfig } from '../core/config.ts';
import type { ComponentDefinition } from '../core/runtime/component.ts';
import { TopicsConfig } from '../schemas/catalog.ts';
import { LagExporterConfig } from './lag-exporter/config.ts';
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

/** The sections of commands that are not components, with their specs. */
export const COMMAND_SECTIONS: Readonly<Record<string, z.ZodType>> = { lagExporter: LagExporterConfig };

/** Sections a config file may hold: the connections, the topics, one per component, one per other command that has settings. */
export const CONFIG_SECTIONS = [...Object.keys(SHARED_SECTIONS), ...COMPONENTS.map((c) => c.section), ...Object.keys(COMMAND_SECTIONS)];


/** The spec of a config section, whoever reads it. */
export function sectionSpec(section: string): z.ZodType | undefined {
  return SHARED_SECTIONS[section] ?? COMMAND_SECTIONS[section] ?? COMPONENTS.find((c) => c.section === section)?.config;
}
