import type { Signal } from '../../schemas/records.ts';
import type { BarEvidence } from '../signals/bar-evidence.ts';
import type { SignalRules } from '../signals/config.ts';
import { SignalEngine, type EngineStats } from '../signals/engine.ts';
import { JUDGING_RULES, decide, judge, type Decision, type LastActions } from '../signals/judge.ts';
import { warmupMsOf, type BacktestInputs } from './inputs.ts';

// A sweep's rule sets mostly differ in thresholds and cooldown, which only judge a bar's
// evidence; the evidence itself (decayed sentiment, story copies, price context) costs nearly all
// of an engine's time and depends on a few rules only. So the engine runs once per distinct
// evidence (evidenceKeyOf), records every bar's evidence, and each rule set judges that record
// in decision order: the same signals, byte for byte, as an engine of its own.

/**
 * Every rule but those that only judge: rule sets with equal keys share one engine run. A rule
 * added later shapes the evidence unless judge.ts lists it, so it can cost sharing, never signals.
 */
export function evidenceKeyOf(r: SignalRules): string {
  const judging = new Set<string>(JUDGING_RULES);
  return JSON.stringify(Object.entries(r).filter(([k]) => !judging.has(k)).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export interface RecordedEvidence {
  /** Every decided bar's evidence, in decision order. */
  bars: BarEvidence[];
  engine: EngineStats;
}

/** Runs the engine over the read with the rules' evidence, recording each bar instead of judging it. */
export function recordEvidence(inputs: BacktestInputs, rules: SignalRules): RecordedEvidence {
  const warmupMs = warmupMsOf(rules);
  if (warmupMs > inputs.warmupMs) throw new Error(`these rules need ${warmupMs} ms of input before the range, the read has ${inputs.warmupMs}`);
  const since = inputs.from - warmupMs;
  const bars: BarEvidence[] = [];
  const engine = new SignalEngine(rules, (e) => {
    bars.push(e);
    return null;
  });
  for (const k of inputs.engineInputs) if (k.keptBy >= since) engine.push(k.input);
  engine.flush();
  return { bars, engine: engine.stats };
}

/** The signals a rule set makes from recorded evidence (of its own evidence key), in decision order. */
export function judgeEvidence(recorded: RecordedEvidence, rules: SignalRules): { signals: Signal[]; engine: EngineStats } {
  const signals = judgeEach(recorded, (e, last) => judge(e, rules, last));
  return { signals, engine: { ...recorded.engine, signals: signals.length } };
}

/** The same signals as judgeEvidence without their reasons, which a sweep's rows never read. */
export function decideEvidence(recorded: RecordedEvidence, rules: SignalRules): Decision[] {
  return judgeEach(recorded, (e, last) => decide(e, rules, last));
}

function judgeEach<S>(recorded: RecordedEvidence, judgeBar: (e: BarEvidence, last: LastActions) => S | null): S[] {
  const lastActions = new Map<string, LastActions>();
  const out: S[] = [];
  for (const e of recorded.bars) {
    let last = lastActions.get(e.ticker);
    if (!last) lastActions.set(e.ticker, (last = new Map()));
    const signal = judgeBar(e, last);
    if (signal) out.push(signal);
  }
  return out;
}
