import { describe, expect, it } from 'vitest';
import { expandGrid, type RuleGrid } from './grid.ts';

describe('expandGrid', () => {
  it.each([
    { what: 'no lists: one rule set', grid: { buyThreshold: 0.7 }, names: ['the rules as given'] },
    { what: 'one list', grid: { buyThreshold: [0.6, 0.8] }, names: ['buyThreshold=0.6', 'buyThreshold=0.8'] },
    {
      what: 'two lists: the product, in file order',
      grid: { halfLifeMinutes: [60, 120], buyThreshold: [0.6, 0.8] },
      names: ['halfLifeMinutes=60 buyThreshold=0.6', 'halfLifeMinutes=60 buyThreshold=0.8', 'halfLifeMinutes=120 buyThreshold=0.6', 'halfLifeMinutes=120 buyThreshold=0.8'],
    },
    { what: 'a fixed value beside a list', grid: { cooldownMinutes: 30, buyThreshold: [0.6, 0.8] }, names: ['buyThreshold=0.6', 'buyThreshold=0.8'] },
  ] as Array<{ what: string; grid: RuleGrid; names: string[] }>)('$what', ({ grid, names }) => {
    expect(expandGrid(grid).map((r) => r.name)).toEqual(names);
  });

  it('fills each rule set with the fixed values, the base and the defaults', () => {
    const [first] = expandGrid({ cooldownMinutes: 30, buyThreshold: [0.6] }, { halfLifeMinutes: 15 });
    expect(first!.rules).toMatchObject({ cooldownMinutes: 30, buyThreshold: 0.6, halfLifeMinutes: 15, sellThreshold: 0.8 });
    expect(first!.params).toEqual({ buyThreshold: 0.6 });
  });

  it.each([
    { what: 'an unknown parameter', grid: { buyThreshhold: [0.6] }, message: /buyThreshhold is not a signal rule/ },
    { what: 'an empty list', grid: { buyThreshold: [] }, message: /lists no values/ },
    { what: 'an invalid value names its rule set', grid: { halfLifeMinutes: [60, -1] }, message: /rule set halfLifeMinutes=-1: rules.halfLifeMinutes/ },
  ] as Array<{ what: string; grid: RuleGrid; message: RegExp }>)('refuses $what', ({ grid, message }) => {
    expect(() => expandGrid(grid)).toThrow(message);
  });
});
