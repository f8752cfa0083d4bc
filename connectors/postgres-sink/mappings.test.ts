import { describe, expect, it } from 'vitest';
import { TOPIC_IDS, TOPICS } from '../../schemas/catalog.ts';
import type { Signal } from '../../schemas/records.ts';
import { lastPerKeyInKeyOrder } from './last-per-key.ts';
import { MAPPINGS, mappingFor, rowProblem } from './mappings.ts';

describe('lastPerKeyInKeyOrder', () => {
  const cases: Array<[string, string[], string[]]> = [
    ['no duplicates keeps all, in key order', ['c1', 'a1', 'b1'], ['a1', 'b1', 'c1']],
    ['later record of a key wins', ['a1', 'b1', 'a2'], ['a2', 'b1']],
    ['several keys repeated', ['a1', 'b1', 'b2', 'a2', 'c1', 'b3'], ['a2', 'b3', 'c1']],
    ['code unit order, as `<` compares', ['é1', 'Z1', 'a1', '\u00001'], ['\u00001', 'Z1', 'a1', 'é1']],
    ['empty', [], []],
  ];
  it.each(cases)('%s', (_n, items, expected) => {
    expect(lastPerKeyInKeyOrder(items, (s) => s[0]!)).toEqual(expected);
  });
});

describe('mappings', () => {
  it('map every topic to the table of the catalog', () => {
    for (const id of TOPIC_IDS) expect(mappingFor(id).table).toBe(TOPICS[id].table);
  });

  it('stage the natural key of every table', () => {
    const keys = Object.fromEntries(TOPIC_IDS.map((id) => [id, MAPPINGS[id].columns.filter((c) => c.required).map((c) => c.name)]));
    expect(keys.newsRaw).toContain('event_uid');
    expect(keys.marketCandles).toEqual(expect.arrayContaining(['ticker', 'ts']));
    expect(keys.signals).toContain('signal_id');
    expect(keys.feedsState).toContain('feed_url');
  });

  it('never let a raw record clear processed_at', () => {
    expect(MAPPINGS.newsRaw.upsert.join(' ')).not.toMatch(/processed_at/);
  });

  const base: Signal = { signal_id: 's', ts: 0, ticker: 'AAPL', action: 'BUY', confidence: 0.5, reason: '{}', status: 'PENDING', executed_at: null, filled_price: null, shares: null };
  const problems: Array<[string, Partial<Signal>, RegExp | null]> = [
    ['valid', {}, null],
    ['action outside the CHECK', { action: 'HOLD' as never }, /action = "HOLD" is not one of BUY, SELL/],
    ['status outside the CHECK', { status: 'DONE' as never }, /status = "DONE"/],
    ['missing ticker', { ticker: null as never }, /ticker is required/],
    ['NaN confidence', { confidence: Number.NaN }, /confidence = NaN is not a finite number/],
    ['reason not JSON', { reason: '{oops' }, /reason is not valid JSON/],
    ['NUL in text', { ticker: 'AA\u0000PL' }, /NUL/],
  ];
  it.each(problems)('rowProblem: %s', (_n, change, expected) => {
    const problem = rowProblem(MAPPINGS.signals, { ...base, ...change }, { candleInterval: '1m' });
    if (expected) expect(problem).toMatch(expected);
    else expect(problem).toBeNull();
  });
});
