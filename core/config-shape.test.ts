import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configKeys, flatConfigKeys, type ConfigKey } from './config-shape.ts';

describe('configKeys', () => {
  const cases: Array<{ name: string; field: z.ZodType; key: Omit<ConfigKey, 'key'> }> = [
    { name: 'described after the default', field: z.number().default(3).describe('d'), key: { description: 'd', default: 3, required: false } },
    { name: 'described before the default', field: z.number().int().describe('d').default(3), key: { description: 'd', default: 3, required: false } },
    { name: 'described before a check', field: z.number().describe('d').min(1).default(1), key: { description: 'd', default: 1, required: false } },
    { name: 'optional, described inside', field: z.string().describe('d').optional(), key: { description: 'd', required: false } },
    { name: 'optional, described outside', field: z.string().optional().describe('d'), key: { description: 'd', required: false } },
    { name: 'refined', field: z.number().describe('d').refine((n) => n > 0).default(2), key: { description: 'd', default: 2, required: false } },
    { name: 'transformed', field: z.string().describe('d').transform((s) => s.length), key: { description: 'd', required: true } },
    { name: 'meta description', field: z.boolean().meta({ description: 'd' }).default(true), key: { description: 'd', default: true, required: false } },
    { name: 'the outer description wins', field: z.string().describe('inner').default('').describe('outer'), key: { description: 'outer', default: '', required: false } },
    { name: 'undocumented and required', field: z.string(), key: { required: true } },
    { name: 'an array default', field: z.array(z.string()).default(['a']), key: { default: ['a'], required: false } },
    { name: 'an enum', field: z.enum(['x', 'y']).default('x').describe('d'), key: { description: 'd', default: 'x', required: false, values: ['x', 'y'] } },
    { name: 'an array of an enum', field: z.array(z.enum(['x', 'y'])).min(1).optional(), key: { required: false, values: ['x', 'y'] } },
  ];
  it.each(cases)('$name', ({ field, key }) => {
    expect(configKeys(z.object({ x: field }).strict())).toEqual([{ key: 'x', ...key }]);
  });

  it('reads a section behind refinements, transforms and defaults', () => {
    const refined = z.object({ a: z.number().default(1).describe('A') }).strict().refine(() => true);
    const transformed = z.object({ a: z.number().default(1).describe('A') }).strict().transform((v) => v).default({ a: 1 });
    for (const s of [refined, transformed]) expect(configKeys(s)).toEqual([{ key: 'a', description: 'A', default: 1, required: false }]);
  });

  it('nests sections and flattens them to dotted keys', () => {
    const rules = z.object({ halfLife: z.number().default(120).describe('half-life'), on: z.boolean().optional() }).strict().refine(() => true);
    const spec = z.object({ groupId: z.string().default('g').describe('group'), rules: rules.default(rules.parse({})).describe('the rules') }).strict();
    const keys = configKeys(spec);
    expect(keys[1]).toMatchObject({ key: 'rules', description: 'the rules', default: { halfLife: 120 }, keys: [{ key: 'halfLife', default: 120 }, { key: 'on', required: false }] });
    expect(flatConfigKeys(keys).map((k) => [k.path, k.default, k.description])).toEqual([
      ['groupId', 'g', 'group'],
      ['rules', { halfLife: 120 }, 'the rules'],
      ['rules.halfLife', 120, 'half-life'],
      ['rules.on', undefined, undefined],
    ]);
  });
});
