import { describe, expect, it } from 'vitest';
import type { Signal } from '../../../schemas/records.ts';
import type { LabelChange } from './label-changes.ts';
import { SHOWN_ROWS, modelSwapMarkdown, type ModelSwapFacts } from './model-swap-report.ts';

const T0 = Date.UTC(2024, 0, 2, 14, 30);
const change = (i: number, title = `headline ${i}`): LabelChange => ({ eventUid: `u${i}`, eventTime: T0 + i, title, live: { label: 'positive', score: 0.9 }, candidate: { label: 'negative', score: 0.81234 } });
const sig = (i: number): Signal => ({ signal_id: `s${i}`, ts: T0 + i * 60_000, ticker: 'AAPL', action: 'BUY', confidence: 0.7, reason: '{}', status: 'PENDING', executed_at: null, filled_price: null, shares: null });
const facts = (o: Partial<ModelSwapFacts> = {}): ModelSwapFacts => ({
  from: T0,
  to: T0 + 3600_000,
  newsFrom: T0 - 3600_000,
  liveTopic: 'news.classified',
  candidateTopic: 'scratch-0123abcd.news.classified',
  modelHash: 'f'.repeat(64),
  liveModels: new Map([['m@2', 1], ['m@1', 2]]),
  candidateModels: new Map([['c@1', 3]]),
  labels: { compared: 3, changed: [], rescored: 0, largestScoreShift: 0, onlyLive: 0, onlyCandidate: 0 },
  signals: { added: [], removed: [], kept: 2, live: 2, candidate: 2 },
  metrics: [{ metric: 'signals', live: 2, candidate: 2, delta: 0 }],
  ...o,
});

describe('model-swap.md', () => {
  const cases: Array<[string, Partial<ModelSwapFacts>, RegExp[], RegExp[]]> = [
    ['nothing changed: counts, no tables of changes', {}, [/^0 of 3 news items changed label/m, /^### Added: none$/m, /^### Removed: none$/m, /models `m@1` \(2\), `m@2` \(1\)/], [/\| event_uid \|/]],
    ['a change shows both sides', { labels: { compared: 3, changed: [change(1)], rescored: 1, largestScoreShift: 0.05, onlyLive: 0, onlyCandidate: 0 } }, [/^\| u1 \| 2024-01-02T14:30:00\.001Z \| headline 1 \| positive 0\.9000 \| negative 0\.8123 \|$/m, /1 kept their label with another score \(largest change 0\.0500\)/], []],
    ['a title with a pipe and new lines stays one cell', { labels: { compared: 1, changed: [change(1, 'A | B\nC')], rescored: 0, largestScoreShift: 0, onlyLive: 0, onlyCandidate: 0 } }, [/\| A \\\| B C \|/], []],
    ['long lists cut with their total', { labels: { compared: 80, changed: Array.from({ length: 80 }, (_, i) => change(i)), rescored: 0, largestScoreShift: 0, onlyLive: 0, onlyCandidate: 0 }, signals: { added: Array.from({ length: 60 }, (_, i) => sig(i)), removed: [], kept: 0, live: 0, candidate: 60 } }, [new RegExp(`^The first ${SHOWN_ROWS} of 80\\.$`, 'm'), new RegExp(`^The first ${SHOWN_ROWS} of 60\\.$`, 'm'), /^### Added: 60$/m], [/\| u50 \|/, /\| s50 \|/]],
    ['metrics: integers plain, fractions fixed, signed deltas, a missing side as -', { metrics: [{ metric: 'signals', live: 2, candidate: 5, delta: 3 }, { metric: 'hitRate', live: 0.5, candidate: 0.25, delta: -0.25 }, { metric: 'perTicker[X].signals', live: null, candidate: 1, delta: null }] }, [/^\| signals \| 2 \| 5 \| \+3 \|$/m, /^\| hitRate \| 0\.500000 \| 0\.250000 \| -0\.250000 \|$/m, /^\| perTicker\[X\]\.signals \| - \| 1 \| - \|$/m], []],
  ];
  it.each(cases)('%s', (_name, o, present, absent) => {
    const md = modelSwapMarkdown(facts(o));
    for (const p of present) expect(md).toMatch(p);
    for (const a of absent) expect(md).not.toMatch(a);
  });

  it('is the same text for the same facts', () => expect(modelSwapMarkdown(facts())).toBe(modelSwapMarkdown(facts())));
});
