import { configKeys, flatConfigKeys, type ConfigKey } from '../core/config-shape.ts';
import type { ComponentDefinition } from '../core/runtime/component.ts';

function shown(k: ConfigKey): string {
  const values = k.values ? `, one of ${k.values.join(', ')}` : '';
  if (k.keys) return '';
  if (k.default !== undefined) return ` (default ${JSON.stringify(k.default)}${values})`;
  return ` (${k.required ? 'required' : 'optional'}${values})`;
}

/** The tail of `run <component> --help`: every key of its config section, with its default and what it does. */
export function configKeysHelp(def: ComponentDefinition): string {
  const lines = flatConfigKeys(configKeys(def.config), `${def.section}.`).map((k) => `  ${k.path}${shown(k)}${k.description ? `: ${k.description}` : ''}`);
  return `Config section \`${def.section}\` (docs/configuration.md):\n${lines.join('\n')}`;
}
