import type { SignalRules } from '../signals/config.ts';

// Why the decision derived again is not the stored one, from what explain found: rules in the
// config other than those the reason records, records the signal used that the topics no longer
// hold, records the topics hold that the signal could not have seen. Each cause is one sentence;
// none found names the rules the reason does not record.

export interface CauseFacts {
  action: 'BUY' | 'SELL';
  barEnd: number;
  /** What the signal's reason records of its rules. */
  recorded: { threshold: number; halfLifeMinutes: number };
  rules: SignalRules;
  newsTopic: string;
  candlesTopic: string;
  /** Items the signal used that no news.classified record (in the window) has. */
  missingNews: string[];
  /** Items the signal used whose classification in the topic (the later one) is another. */
  reclassified: Array<{ eventUid: string; used: { label: string; score: number }; now: { label: string; score: number; modelVersion: string } }>;
  /** Items the decision derived again counted that the signal did not. */
  extraNews: Array<{ eventUid: string; classifiedAt: number }>;
  barMissing: boolean;
  /** With the configured rules, the same action's signal shortly before (within the cooldown) that holds this one back. */
  heldBackBy: number | null;
  lookbackBars: { stored: number; derived: number | null };
  /** Whether the records give the stored signal with the recorded threshold and half-life in place of the configured (null: they are the configured). */
  matchesWithRecordedRules: boolean | null;
}

const UNRECORDED: ReadonlyArray<keyof SignalRules> = ['horizonHalfLives', 'minNews', 'lookbackBars', 'maxAdverseMovePct', 'minVolumeRatio', 'cooldownMinutes', 'storyWindowMinutes', 'storyMaxDistance'];

const iso = (t: number) => new Date(t).toISOString();

export function likelyCauses(f: CauseFacts): string[] {
  const out: string[] = [];
  const thresholdKey = f.action === 'BUY' ? 'buyThreshold' : 'sellThreshold';
  if (f.rules[thresholdKey] !== f.recorded.threshold) out.push(`rules: signals.rules.${thresholdKey} is ${f.rules[thresholdKey]} in the config; the signal was decided with ${f.recorded.threshold}`);
  if (f.rules.halfLifeMinutes !== f.recorded.halfLifeMinutes) out.push(`rules: signals.rules.halfLifeMinutes is ${f.rules.halfLifeMinutes} in the config; the signal was decided with ${f.recorded.halfLifeMinutes}`);
  if (f.matchesWithRecordedRules === true) out.push(`with the recorded ${thresholdKey} and halfLifeMinutes the records give the stored signal exactly: the run that made it had other rules than this config`);
  if (f.matchesWithRecordedRules === false) out.push(`with the recorded ${thresholdKey} and halfLifeMinutes the records still do not give the stored signal: more than those differs`);
  if (f.missingNews.length) out.push(`records missing: ${f.missingNews.length} news item(s) the signal used are not in ${f.newsTopic} (deleted by retention, or the topic was recreated): ${f.missingNews.join(', ')}`);
  for (const r of f.reclassified) {
    out.push(`reclassified: ${r.eventUid} is ${r.now.label} ${r.now.score} (model ${r.now.modelVersion}) in ${f.newsTopic}, the signal used ${r.used.label} ${r.used.score}: a later classification stands`);
  }
  if (f.barMissing) out.push(`records missing: the signal's bar is not in ${f.candlesTopic} (deleted by retention, or the topic was recreated)`);
  for (const n of f.extraNews) {
    out.push(`late record: ${n.eventUid} counts now but the signal did not count it; classified at ${iso(n.classifiedAt)}, it probably reached the signals processor after the bar (ending ${iso(f.barEnd)}) was decided, and was refused as late`);
  }
  const { stored, derived } = f.lookbackBars;
  if (derived !== null && derived < stored) out.push(`records missing: ${f.candlesTopic} holds ${derived} bar(s) before the signal's bar, the signal had ${stored}`);
  if (derived !== null && derived > stored) out.push(`the live engine had seen ${stored} bar(s) before this one, ${f.candlesTopic} holds ${derived}: it had started (or its state was reset) shortly before`);
  // An earlier signal is mostly a consequence of the causes above (other rules, other news): said last.
  if (f.heldBackBy !== null) {
    out.push(`cooldown: with the configured rules the engine signals ${f.action} at ${iso(f.heldBackBy)} already, within cooldownMinutes (${f.rules.cooldownMinutes}) of this bar: that holds this one back`);
  }
  if (!out.length) out.push(`no cause found in the recorded rules or the records: a rule the reason does not record may differ between this config and the run that made the signal (${UNRECORDED.join(', ')})`);
  return out;
}
