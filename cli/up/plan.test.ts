import { describe, expect, it } from 'vitest';
import { COMPONENTS } from '../components.ts';
import { parseInstances } from './instances.ts';
import { planChildren } from './plan.ts';

const names = COMPONENTS.map((c) => c.name);

describe('planChildren', () => {
  it('runs every component of the registry once, in its order, with the global options before `run`', () => {
    const plans = planChildren(COMPONENTS, parseInstances([], COMPONENTS), { global: ['--topic-prefix', 'p.'], extra: { candles: ['--replay', '/r'] } });
    expect(plans.map((p) => p.name)).toEqual(names);
    expect(plans.find((p) => p.name === 'candles')!.args).toEqual(['--topic-prefix', 'p.', 'run', 'candles', '--replay', '/r']);
    expect(plans.find((p) => p.name === 'sink')!.args).toEqual(['--topic-prefix', 'p.', 'run', 'sink']);
    expect(plans.every((p) => p.metricsPort === undefined)).toBe(true);
  });

  it('names the instances of a component and gives each child the next metrics port', () => {
    const plans = planChildren(COMPONENTS, parseInstances(['classify=2'], COMPONENTS), { global: [], metricsBasePort: 9400 });
    const classify = names.indexOf('classify');
    expect(plans.map((p) => p.name)).toEqual([...names.slice(0, classify), 'classify-1', 'classify-2', ...names.slice(classify + 1)]);
    expect(plans.map((p) => p.metricsPort)).toEqual(plans.map((_, i) => 9400 + i));
    expect(plans.filter((p) => p.component === 'classify').map((p) => p.args)).toEqual([['run', 'classify'], ['run', 'classify']]);
  });

  it.each([{ base: 0 }, { base: 65_535 }, { base: 9400.5 }])('refuses metrics base port $base', ({ base }) => {
    expect(() => planChildren(COMPONENTS, parseInstances([], COMPONENTS), { global: [], metricsBasePort: base })).toThrow(/--metrics-base-port: a port from 1 to/);
  });
});
