import type { Signal } from '../../../schemas/records.ts';
import type { LabelComparison, Sentiment } from './label-changes.ts';
import type { MetricRow } from './metric-diff.ts';
import type { SignalChanges } from './signal-changes.ts';

// model-swap.md: the live classification and a candidate model's side by side, judged by the
// trading they lead to. Byte-identical for the same inputs: no run time, no paths that a run
// makes up, fixed number formats, stable order; long lists cut at SHOWN_ROWS with their total.

export const SHOWN_ROWS = 50;

export interface ModelSwapFacts {
  from: number;
  to: number;
  /** Start of the news both replays read (the backtest's warm-up before `from`). */
  newsFrom: number;
  liveTopic: string;
  candidateTopic: string;
  /** modelFolderHash of the candidate folder. */
  modelHash: string;
  /** model_version of the news each side read, each with its count. */
  liveModels: Map<string, number>;
  candidateModels: Map<string, number>;
  labels: LabelComparison;
  signals: SignalChanges & { live: number; candidate: number };
  metrics: MetricRow[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const cell = (text: string, max = 80) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return (flat.length > max ? `${flat.slice(0, max - 1)}…` : flat).replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
};
const sentiment = (s: Sentiment) => `${s.label} ${s.score.toFixed(4)}`;
const num = (x: number | null) => (x === null ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(6));
const signed = (x: number | null) => (x === null ? '-' : `${x > 0 ? '+' : ''}${num(x)}`);
const models = (m: Map<string, number>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([v, n]) => `\`${v}\` (${n})`).join(', ') || 'none';

function shown(total: number): string[] {
  return total > SHOWN_ROWS ? ['', `The first ${SHOWN_ROWS} of ${total}.`] : [];
}

function signalTable(title: string, list: readonly Signal[]): string[] {
  if (!list.length) return [`### ${title}: none`];
  return [
    `### ${title}: ${list.length}`,
    '',
    '| signal_id | ts | ticker | action |',
    '|---|---|---|---|',
    ...list.slice(0, SHOWN_ROWS).map((s) => `| ${s.signal_id} | ${iso(s.ts)} | ${s.ticker} | ${s.action} |`),
    ...shown(list.length),
  ];
}

export function modelSwapMarkdown(f: ModelSwapFacts): string {
  const l = f.labels;
  const s = f.signals;
  const lines = [
    '# Model swap',
    '',
    `Range: ${iso(f.from)} to ${iso(f.to)} (event time); news from ${iso(f.newsFrom)} (the backtest's warm-up), over the same candles and rules.`,
    '',
    `- **live**: \`${f.liveTopic}\`, models ${models(f.liveModels)}; backtest in [live/report.md](live/report.md).`,
    `- **candidate**: the model folder with content hash \`${f.modelHash.slice(0, 12)}\`, the range's news.raw classified again into \`${f.candidateTopic}\`, models ${models(f.candidateModels)}; backtest in [candidate/report.md](candidate/report.md).`,
    '',
    '## Labels',
    '',
    `${l.changed.length} of ${l.compared} news items changed label; ${l.rescored} kept their label with another score (largest change ${l.largestScoreShift.toFixed(4)}). Only in live: ${l.onlyLive}; only in candidate: ${l.onlyCandidate}.`,
    ...(l.changed.length
      ? [
          '',
          '| event_uid | event time | title | live | candidate |',
          '|---|---|---|---|---|',
          ...l.changed.slice(0, SHOWN_ROWS).map((c) => `| ${c.eventUid} | ${iso(c.eventTime)} | ${cell(c.title)} | ${sentiment(c.live)} | ${sentiment(c.candidate)} |`),
          ...shown(l.changed.length),
        ]
      : []),
    '',
    '## Signals',
    '',
    `Live ${s.live}, candidate ${s.candidate}: ${s.added.length} added, ${s.removed.length} removed, ${s.kept} in both (by signal_id, which covers the ticker, action, bar and the news behind it).`,
    '',
    ...signalTable('Added', s.added),
    '',
    ...signalTable('Removed', s.removed),
    '',
    '## Metrics',
    '',
    'Every number of the backtest\'s stats; delta is candidate − live.',
    '',
    '| metric | live | candidate | delta |',
    '|---|---|---|---|',
    ...f.metrics.map((m) => `| ${m.metric} | ${num(m.live)} | ${num(m.candidate)} | ${signed(m.delta)} |`),
  ];
  return `${lines.join('\n')}\n`;
}
