import type { z } from 'zod';

// What a config spec declares, read from the zod schema itself: its keys, each key's
// description and default. The `--help` of every component and docs/configuration.md come from
// here, so they cannot drift from what the loader accepts.

export interface ConfigKey {
  key: string;
  description?: string;
  default?: unknown;
  /** Neither a default nor optional: a section that is present must set it. */
  required: boolean;
  /** The values an enum (or each element of an array of one) may take. */
  values?: string[];
  /** A nested section (e.g. `signals.rules`): its own keys. */
  keys?: ConfigKey[];
}

type Def = { type: string; shape?: Record<string, z.ZodType>; in?: z.ZodType; innerType?: z.ZodType; defaultValue?: unknown; element?: z.ZodType; entries?: Record<string, string> };
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Schemas that wrap one other without changing its keys; a transform or refinement is a pipe. */
const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'nonoptional', 'readonly', 'catch', 'pipe']);

/**
 * The field and what it wraps, outermost first. zod keeps a `.describe()` on the schema it was
 * called on: one placed before `.default()` or `.transform()` sits on an inner link.
 */
function chainOf(field: z.ZodType): z.ZodType[] {
  const chain = [field];
  for (;;) {
    const def = defOf(chain.at(-1)!);
    const inner = !WRAPPERS.has(def.type) ? undefined : def.type === 'pipe' ? def.in : def.innerType;
    if (!inner || chain.length >= 16) return chain;
    chain.push(inner);
  }
}

function objectOf(chain: z.ZodType[]): Record<string, z.ZodType> | undefined {
  const def = defOf(chain.at(-1)!);
  return def.type === 'object' ? def.shape : undefined;
}

function enumValues(chain: z.ZodType[]): string[] | undefined {
  let def = defOf(chain.at(-1)!);
  if (def.type === 'array' && def.element) def = defOf(chainOf(def.element).at(-1)!);
  return def.type === 'enum' && def.entries ? Object.values(def.entries) : undefined;
}

/** The description of a field or section, wherever along its wrappers `.describe()` was called (the outermost wins). */
export function descriptionOf(schema: z.ZodType): string | undefined {
  return chainOf(schema).find((s) => s.description)?.description;
}

export function configKeys(spec: z.ZodType): ConfigKey[] {
  return Object.entries(objectOf(chainOf(spec)) ?? {}).map(([key, field]) => {
    const chain = chainOf(field);
    const types = chain.map((s) => defOf(s).type);
    const withDefault = chain.find((s) => defOf(s).type === 'default' || defOf(s).type === 'prefault');
    const description = descriptionOf(field);
    const nested = objectOf(chain);
    const values = enumValues(chain);
    return {
      key,
      ...(description ? { description } : {}),
      ...(withDefault ? { default: defOf(withDefault).defaultValue } : {}),
      required: !types.some((t) => t === 'default' || t === 'prefault' || t === 'optional'),
      ...(values ? { values } : {}),
      ...(nested ? { keys: configKeys(field) } : {}),
    };
  });
}

/** The keys and their nested keys in one list, each with its dotted path (`rules.halfLifeMinutes`), a section before its keys. */
export function flatConfigKeys(keys: readonly ConfigKey[], prefix = ''): Array<ConfigKey & { path: string }> {
  return keys.flatMap((k) => {
    const path = `${prefix}${k.key}`;
    return [{ ...k, path }, ...(k.keys ? flatConfigKeys(k.keys, `${path}.`) : [])];
  });
}
