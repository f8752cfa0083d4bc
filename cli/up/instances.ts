import { ConfigError } from '../../core/errors.ts';
import type { ComponentDefinition } from '../../core/runtime/component.ts';

// `--instances classify=2,signals=3` (repeatable): more instances of a processor or the sink,
// which share the work through their consumer group. A source runs once per deployment: a
// second RSS source fences the first (one transactional id), a second candles source fetches
// and writes every bar again.

/** Collects the repeated option's values (commander's parser for a repeatable option). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** How many instances of each component `up` runs: one, unless `--instances` says more. */
export function parseInstances(values: readonly string[], components: readonly ComponentDefinition[]): Map<string, number> {
  const counts = new Map(components.map((c) => [c.name, 1]));
  const given = new Set<string>();
  for (const item of values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean)) {
    const match = /^([\w-]+)=(\d+)$/.exec(item);
    if (!match) throw new ConfigError(`expected <component>=<count>, e.g. classify=2; got "${item}"`, '--instances');
    const [, name, count] = match as unknown as [string, string, string];
    const def = components.find((c) => c.name === name);
    if (!def) throw new ConfigError(`no component ${name} (components: ${components.map((c) => c.name).join(', ')})`, '--instances');
    if (given.has(name)) throw new ConfigError(`${name} is given twice`, '--instances');
    given.add(name);
    const n = Number(count);
    if (n < 1) throw new ConfigError(`${name}=${count}: at least one instance runs`, '--instances');
    if (n > 1 && def.kind === 'source') {
      throw new ConfigError(`${name} is a source and runs once per deployment (a second RSS source fences the first; a second candles source writes every bar again)`, '--instances');
    }
    counts.set(name, n);
  }
  return counts;
}
