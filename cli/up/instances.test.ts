import { describe, expect, it } from 'vitest';
import { COMPONENTS } from '../components.ts';
import { parseInstances } from './instances.ts';

const ONE_EACH = Object.fromEntries(COMPONENTS.map((c) => [c.name, 1]));

describe('parseInstances', () => {
  it.each([
    { values: [], counts: {} },
    { values: ['classify=2'], counts: { classify: 2 } },
    { values: ['classify=2,signals=3'], counts: { classify: 2, signals: 3 } },
    { values: ['classify=2', ' sink=2 , executor=1'], counts: { classify: 2, sink: 2 } },
    { values: ['rss=1'], counts: {} },
  ])('$values', ({ values, counts }) => {
    expect(Object.fromEntries(parseInstances(values, COMPONENTS))).toEqual({ ...ONE_EACH, ...counts });
  });

  it.each([
    { values: ['classify'], error: /expected <component>=<count>.*"classify"/ },
    { values: ['classify=two'], error: /expected <component>=<count>/ },
    { values: ['clasify=2'], error: /no component clasify \(components: rss, candles/ },
    { values: ['classify=2', 'classify=3'], error: /classify is given twice/ },
    { values: ['signals=0'], error: /at least one instance/ },
    { values: ['rss=2'], error: /rss is a source and runs once per deployment/ },
    { values: ['candles=3'], error: /candles is a source/ },
  ])('refuses $values', ({ values, error }) => {
    expect(() => parseInstances(values, COMPONENTS)).toThrow(error);
  });
});
