import type { DlqTopicSummary } from './list.ts';
import type { ReplayedRecord, ReplayReport } from './replay.ts';
import type { ShownRecord } from './show.ts';
import { toJson } from './payload.ts';

// The text the dlq commands print (--json prints the reports themselves).

export function renderList(topics: DlqTopicSummary[]): string {
  const lines: string[] = [];
  for (const t of topics) {
    lines.push(`${t.topic}  ${t.records} record(s)${t.replayed ? `, ${t.replayed} replayed` : ''}  (source ${t.source})`);
    if (t.reasons.length) lines.push(`  ${'records'.padStart(7)}  ${'replayed'.padStart(8)}  ${'first seen'.padEnd(24)}  ${'last seen'.padEnd(24)}  ${'offsets'.padEnd(13)}  reason`);
    for (const g of t.reasons) {
      lines.push(`  ${String(g.records).padStart(7)}  ${String(g.replayed).padStart(8)}  ${g.firstSeen.padEnd(24)}  ${g.lastSeen.padEnd(24)}  ${`${g.first}..${g.last.split(':')[1]}`.padEnd(13)}  ${g.reason}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function renderShow(r: ShownRecord): string {
  const lines = [`${r.topic} ${r.partition}:${r.offset}  sent to the DLQ at ${r.timestamp}`, `key: ${r.key === null ? '(null)' : JSON.stringify(r.key)}`];
  lines.push(r.replayed ? `replayed: to ${r.replayed.to} (marker at offset ${r.replayed.offset})` : 'replayed: no');
  lines.push('dlq headers:', ...Object.entries(r.dlq).map(([k, v]) => `  ${k}: ${v}`));
  lines.push(`original headers:${Object.keys(r.headers).length ? '' : ' (none)'}`, ...Object.entries(r.headers).map(([k, v]) => `  ${k}: ${v}`));
  const p = r.payload;
  if (p.kind === 'null') lines.push('payload: (null)');
  if (p.kind === 'avro') lines.push(`payload: Avro, schema id ${p.schemaId}, ${r.size} bytes`, toJson(p.record, 2));
  if (p.kind === 'json') lines.push(`payload: JSON, ${r.size} bytes (not Avro: ${p.reason})`, toJson(p.value, 2));
  if (p.kind === 'bytes') lines.push(`payload: ${p.size} bytes (not Avro: ${p.reason}; not JSON)`, `  hex:  ${p.hex}${p.size > p.hex.length / 2 ? ' …' : ''}`, `  utf8: ${p.utf8}`);
  return `${lines.join('\n')}\n`;
}

export function replayedLine(topic: string, r: ReplayedRecord): string {
  return r.to ? `replayed ${topic} ${r.from} -> ${r.to.topic} ${r.to.partition}:${r.to.offset}  ${r.reason}\n` : `would replay ${topic} ${r.from}  ${r.reason}\n`;
}

/** What the replay did not send, and the totals; the replayed lines were printed as they committed. */
export function renderReplayEnd(r: ReplayReport): string {
  const lines = [
    ...r.skipped.map((s) => `skipped ${r.topic} ${s.from}: replayed before, to ${s.to}`),
    ...r.refused.map((s) => `refused ${r.topic} ${s.from}: ${s.why}`),
    `${r.replayed.length} record(s) ${r.dryRun ? 'would be replayed (dry run)' : 'replayed'} to ${r.source}; ${r.skipped.length} replayed before, ${r.refused.length} refused`,
  ];
  return `${lines.join('\n')}\n`;
}
