import { describe, expect, it } from 'vitest';
import type { Signal } from '../../../schemas/records.ts';
import { compareSignals } from './signal-changes.ts';

const sig = (id: string, ts: number, action: Signal['action'] = 'BUY'): Signal => ({ signal_id: id, ts, ticker: 'AAPL', action, confidence: 0.7, reason: '{}', status: 'PENDING', executed_at: null, filled_price: null, shares: null });

describe('signal changes', () => {
  const cases: Array<[string, Signal[], Signal[], { added: string[]; removed: string[]; kept: number }]> = [
    ['the same signals: none added or removed', [sig('a', 1), sig('b', 2)], [sig('b', 2), sig('a', 1)], { added: [], removed: [], kept: 2 }],
    ['another id is one removed and one added', [sig('a', 1, 'BUY')], [sig('b', 1, 'SELL')], { added: ['b'], removed: ['a'], kept: 0 }],
    ['in time order, then by id', [], [sig('c', 3), sig('b', 1), sig('a', 1)], { added: ['a', 'b', 'c'], removed: [], kept: 0 }],
  ];
  it.each(cases)('%s', (_name, live, candidate, expected) => {
    const r = compareSignals(live, candidate);
    expect({ added: r.added.map((s) => s.signal_id), removed: r.removed.map((s) => s.signal_id), kept: r.kept }).toEqual(expected);
  });
});
