import type { z } from 'zod';

// What a config spec declares, read from the zod schema itself: its keys, each key's
// description and default. The `--help` of every component and docs/configuration.md come from
// here, so they cannot drift from what the loader accepts.

export interface ConfigKey {
  key: string;
  description?: string;
  default?: unknown;
  /** A nested section (e.g. `signals.rules`): its own keys. */
  keys?: ConfigKey[];
}

type Def = { type: string; shape?: Record<string, z.ZodType>; in?: z.ZodType; innerType?: z.ZodType; defaultValue?: unknown };
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The object behind refinements, transforms, defaults and optionals. */
function objectOf(spec: z.ZodType): Record<string, z.ZodType> | undefined {
  let s: z.ZodType | undefined = spec;
  for (let depth = 0; s && depth < 8; depth++) {
    const def = defOf(s);
    if (def.type === 'object') return def.shape;
    s = def.type === 'pipe' ? def.in : def.innerType;
  }
  return undefined;
}

function defaultOf(spec: z.ZodType): unknown {
  let s: z.ZodType | undefined = spec;
  for (let depth = 0; s && depth < 8; depth++) {
    const def = defOf(s);
    if (def.type === 'default') return def.defaultValue;
    if (def.type !== 'optional' && def.type !== 'pipe') return undefined;
    s = def.type === 'pipe' ? def.in : def.innerType;
  }
  return undefined;
}

export function configKeys(spec: z.ZodType): ConfigKey[] {
  return Object.entries(objectOf(spec) ?? {}).map(([key, field]) => {
    const nested = objectOf(field);
    return { key, description: field.description, default: defaultOf(field), ...(nested ? { keys: configKeys(field) } : {}) };
  });
}
