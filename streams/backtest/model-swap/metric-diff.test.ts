import { describe, expect, it } from 'vitest';
import { metricDiff, metricsOf } from './metric-diff.ts';

describe('metrics of a stats object', () => {
  const cases: Array<[string, unknown, Array<[string, number | null]>]> = [
    ['top-level numbers and empty metrics', { signals: 3, hitRate: null, name: 'x', ok: true }, [['signals', 3], ['hitRate', null]]],
    ['nested objects by dotted path', { byAction: { BUY: 2, SELL: 1 } }, [['byAction.BUY', 2], ['byAction.SELL', 1]]],
    ['list rows named by their first field', { horizons: [{ horizonMinutes: 60, scored: 4 }], perTicker: [{ ticker: 'AAPL', signals: 2 }] }, [['horizons[60].scored', 4], ['perTicker[AAPL].signals', 2]]],
    ['rows without a name field by index', { legs: [{ nested: { a: 1 } }] }, [['legs[0].nested.a', 1]]],
    ['series are left out: numbers, points in time, and inside rows', { tradeReturns: [0.1, -0.2], equity: [{ ts: 1, equity: 1.1 }], benchmarks: [{ name: 'SPY', points: [{ ts: 1, value: 1 }], total: 0.5 }] }, [['benchmarks[SPY].total', 0.5]]],
    ['a bare number has no path', 7, []],
  ];
  it.each(cases)('%s', (_name, stats, expected) => expect(metricsOf(stats)).toEqual(expected));
});

describe('metric diff', () => {
  it('pairs metrics by path: delta is candidate minus live, null where a side has none', () => {
    const live = { signals: 3, hitRate: 0.5, perTicker: [{ ticker: 'AAPL', signals: 3 }] };
    const candidate = { signals: 5, hitRate: null, perTicker: [{ ticker: 'MSFT', signals: 5 }] };
    expect(metricDiff(live, candidate)).toEqual([
      { metric: 'signals', live: 3, candidate: 5, delta: 2 },
      { metric: 'hitRate', live: 0.5, candidate: null, delta: null },
      { metric: 'perTicker[AAPL].signals', live: 3, candidate: null, delta: null },
      { metric: 'perTicker[MSFT].signals', live: null, candidate: 5, delta: null },
    ]);
  });
});
