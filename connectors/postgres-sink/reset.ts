import type { Admin } from 'kafkajs';
import type pg from 'pg';
import { ConfigError } from '../../core/errors.ts';

// `sink reset`: the operator's way to write a topic from its start again, after it was deleted
// and created again (its offsets restarted at 0). The sink's stored positions of the topic are
// forgotten and the group's committed offsets moved to the earliest, both only while no sink of
// the group runs: a running instance would write on from where it was.

export interface ResetOutcome {
  topic: string;
  /** Stored partition positions forgotten. */
  positions: number;
}

export async function resetSinkTopics(admin: Admin, client: pg.Client, groupId: string, topics: readonly string[]): Promise<ResetOutcome[]> {
  const { groups } = await admin.describeGroups([groupId]);
  const members = groups[0]?.members.length ?? 0;
  if (members > 0) throw new ConfigError(`the sink group ${groupId} has ${members} member(s) running: stop every sink of the group first`, 'sink.groupId');
  const existing = new Set(await admin.listTopics());
  const out: ResetOutcome[] = [];
  for (const topic of topics) {
    const { rowCount } = await client.query('DELETE FROM ops_pipeline.sink_offsets WHERE group_id = $1 AND topic = $2', [groupId, topic]);
    // A topic not created again yet has no offsets to move; the group starts it from the
    // earliest once it exists (sink.fromBeginning).
    if (existing.has(topic)) await admin.resetOffsets({ groupId, topic, earliest: true });
    out.push({ topic, positions: rowCount ?? 0 });
  }
  return out;
}
