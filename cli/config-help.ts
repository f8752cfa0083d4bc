import { configKeys } from '../core/config-shape.ts';
import type { ComponentDefinition } from '../core/runtime/component.ts';

/** The tail of `run <component> --help`: its config section's keys and defaults. */
export function configKeysHelp(def: ComponentDefinition): string {
  const lines = configKeys(def.config).map((k) => `  ${def.section}.${k.key}${k.keys ? ` { ${k.keys.map((n) => n.key).join(', ')} }` : ` (default ${JSON.stringify(k.default)})`}${k.description ? `: ${k.description}` : ''}`);
  return `Config section \`${def.section}\` (docs/configuration.md):\n${lines.join('\n')}`;
}
