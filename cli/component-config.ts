import type { Command } from 'commander';
import { configSources } from '../core/command-config.ts';
import { loadSection } from '../core/config.ts';
import type { ComponentDefinition } from '../core/runtime/component.ts';

/** The component's config section, with its command-line options over file and env. */
export function componentConfig(def: ComponentDefinition, cmd: Command, opts: Record<string, unknown>): unknown {
  const sources = configSources(cmd);
  const flags = def.overrides?.(opts) ?? {};
  return loadSection(def.section, def.config, { ...sources, overrides: { ...sources.overrides, [def.section]: flags } });
}
