import type { Difference } from './compare.ts';
import type { ExplainedBar, ExplainedNews, Explanation } from './explain.ts';
import type { Position } from './read-located.ts';

// The text `explain` prints (--json prints the Explanation itself): the signal, the rule with
// its thresholds, each news item with its share of the sentiment and where its records are,
// the bars, then whether the decision derived again matches.

/** A number with its sign, to `digits` decimals: +0.2492, -0.1000. */
export function signed(x: number, digits = 4): string {
  return `${x < 0 ? '-' : '+'}${Math.abs(x).toFixed(digits)}`;
}

/** An age in minutes as a person says it: 42 min, 3 h 5 min, 2 d 1 h. */
export function age(minutes: number): string {
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  if (m < 24 * 60) return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
  const h = Math.floor(m / 60);
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ''}`;
}

/** A value of a difference: JSON, or "(none)" where that signal has no such field or item. */
export function shown(v: unknown): string {
  return v === undefined ? '(none)' : JSON.stringify(v);
}

const where = (p: Position) => `${p.topic} partition ${p.partition} offset ${p.offset}`;

function newsLines(n: ExplainedNews, i: number): string[] {
  const lines = [`  ${i + 1}. ${n.label} ${n.score} at ${n.event_time}, ${age(n.age_minutes)} before the bar's end: weight ${n.weight.toFixed(4)}, adds ${signed(n.contribution)}`];
  const c = n.classified;
  if (c) {
    lines.push(`     ${JSON.stringify(c.title)}`);
    lines.push(`     source ${c.source ?? '(none)'}, published ${c.published_at ?? '(no date)'}, fetched ${c.fetched_at}`);
    if (c.link) lines.push(`     link ${c.link}`);
  }
  lines.push(`     event_uid ${n.event_uid}`);
  if (c) {
    lines.push(`     ${where(c)}: model ${c.model_version} (${c.label} ${c.score}), classified ${c.classified_at}, event_type ${c.event_type ?? '-'}, urgency ${c.urgency ?? '-'}`);
    if (c.records > 1) lines.push(`     (${c.records} classifications of this item in the topic; the later counts)`);
  } else lines.push('     news.classified: not found (deleted by retention, or the topic was recreated)');
  lines.push(n.raw ? `     ${where(n.raw)}` : '     news.raw: not found');
  return lines;
}

function barLine(label: string, b: ExplainedBar): string {
  return `  ${label.padEnd(10)} ${b.ts}  open ${b.open} high ${b.high} low ${b.low} close ${b.close} volume ${b.volume ?? '-'}   partition ${b.partition} offset ${b.offset}`;
}

function differenceLine(d: Difference): string {
  return `  ${d.field}: stored ${shown(d.stored)}, derived ${shown(d.derived)}`;
}

export function renderExplanation(e: Explanation): string {
  const s = e.signal;
  const r = s.reason;
  const rules = e.rules.config;
  const thresholdKey = s.action === 'BUY' ? 'buyThreshold' : 'sellThreshold';
  const lines = [`signal ${s.signal_id}`, `  ${s.action} ${s.ticker} at the end of the bar, ${s.ts}; confidence ${s.confidence}`];
  const last = s.updates.at(-1);
  if (last?.status === 'EXECUTED') lines.push(`  status EXECUTED at ${last.executed_at}: ${last.shares} shares at ${last.filled_price}`);
  else lines.push(`  status ${s.status}`);
  lines.push(`  record ${where(s.at)}`, ...s.updates.map((u) => `  update ${u.status} ${where(u)}`));

  lines.push('', `rule ${r.rule}`);
  const bound = s.action === 'BUY' ? `>= ${signed(r.threshold)}, the buy threshold` : `<= ${signed(-r.threshold)}, minus the sell threshold`;
  lines.push(`  sentiment ${signed(r.sentiment)} ${bound} (config ${thresholdKey}: ${rules[thresholdKey]})`);
  lines.push(`  half-life ${r.half_life_minutes} min (config: ${rules.halfLifeMinutes}); news counts for ${rules.horizonHalfLives} half-lives, at least ${rules.minNews} item(s)`);
  const limit = s.action === 'BUY' ? `no BUY after a fall of more than ${rules.maxAdverseMovePct} %` : `no SELL after a rise of more than ${rules.maxAdverseMovePct} %`;
  lines.push(`  price move over ${r.lookback_bars} lookback bar(s) ${signed(r.price_move_pct, 2)} % (${limit})`);
  lines.push(`  volume ratio ${r.volume_ratio ?? '-'} (needed: ${rules.minVolumeRatio > 0 ? rules.minVolumeRatio : 'any'}); cooldown ${rules.cooldownMinutes} min`);

  const total = e.news.reduce((a, n) => a + n.contribution, 0);
  lines.push('', `news counted (${e.news.length}), together ${signed(total)}`);
  e.news.forEach((n, i) => lines.push(...newsLines(n, i)));
  if (e.copies.length) {
    lines.push('', `copies left out (${e.copies.length}): the same story told earlier counts once`);
    for (const c of e.copies) lines.push(`  ${c.event_uid} copies ${c.copy_of}${c.title ? `: ${JSON.stringify(c.title)}` : ''}${c.at ? ` (${where(c.at)})` : ''}`);
  }

  lines.push('', `bars (${e.bars.topic}, ${e.bars.interval})`);
  lines.push(e.bars.signal ? barLine('signal', e.bars.signal) : `  signal     ${r.bar.ts}: not found (the reason records close ${r.bar.close}, volume ${r.bar.volume ?? '-'})`);
  for (const b of [...e.bars.lookback].reverse()) lines.push(barLine('lookback', b));

  const d = e.rederived;
  lines.push('', `decision derived again from the topics (news from ${e.window.news_from} to ${e.window.bar_end}, config rules): ${d.matches ? 'matches the stored signal (same action, confidence and reason)' : 'DIFFERS'}`);
  if (!d.matches) {
    if (!d.signal) lines.push('  the engine makes no signal at this bar from these records with these rules');
    else lines.push(...d.differences.map(differenceLine));
    lines.push('  likely causes:', ...d.causes.map((c) => `  - ${c}`));
  }
  return `${lines.join('\n')}\n`;
}
