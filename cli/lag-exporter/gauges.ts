import { gauge } from '../../core/metrics.ts';
import type { StatusReport } from '../status/collect.ts';
import type { Verdict } from '../status/verdict.ts';

// What the lag exporter serves: the `status` report as gauges, in the spirit of
// kafka-lag-exporter (per partition, per group, per topic). Each report replaces the last
// whole, so a partition or group that went away leaves no stale series behind.

const PARTITION = ['group', 'component', 'topic', 'partition'] as const;
const GROUP = ['group', 'component'] as const;
const VERDICTS: readonly Verdict[] = ['ok', 'lagging', 'stalled'];

const lagRecords = gauge('consumer_group_lag_records', "Records after the group's committed offset (log end - committed; transaction markers are not lag)", PARTITION);
const lagSeconds = gauge('consumer_group_lag_seconds', 'Age of the oldest record the group has not consumed, seconds; 0 without lag', PARTITION);
const committedOffset = gauge('consumer_group_committed_offset', "The group's committed offset; -1 before its first commit", PARTITION);
const sumLag = gauge('consumer_group_sum_lag_records', "The group's lag over all its partitions, records", GROUP);
const maxLagSeconds = gauge('consumer_group_max_lag_seconds', "Age of the group's oldest unconsumed record, seconds", GROUP);
const members = gauge('consumer_group_members', 'Members of the consumer group (0: no instance running)', GROUP);
const verdict = gauge('consumer_group_verdict', "1 for the group's verdict over the last interval (as `status`: ok, lagging = lag growing while commits move, stalled = lag and no commit), 0 for the others", [...GROUP, 'verdict']);
const topicRecords = gauge('topic_records', 'Offsets in the topic (high - low): records plus transaction markers', ['topic']);
const dlqRecords = gauge('topic_dlq_records', "Offsets in the topic's dead-letter topic <topic>.dlq", ['topic']);
const lastRecord = gauge('topic_last_record_timestamp_seconds', "Timestamp of the topic's newest record, epoch seconds", ['topic']);

const ALL = [lagRecords, lagSeconds, committedOffset, sumLag, maxLagSeconds, members, verdict, topicRecords, dlqRecords, lastRecord];

/** Replaces every exported series with this report's. Synchronous: a scrape never sees half of it. */
export function exportReport(r: StatusReport): void {
  for (const g of ALL) g.reset();
  for (const g of r.groups) {
    const group = { group: g.groupId, component: g.component };
    sumLag.set(group, Number(g.lag));
    maxLagSeconds.set(group, g.maxLagSeconds);
    members.set(group, g.members);
    for (const v of VERDICTS) verdict.set({ ...group, verdict: v }, v === g.verdict ? 1 : 0);
    for (const p of g.partitions) {
      const labels = { ...group, topic: p.topic, partition: String(p.partition) };
      lagRecords.set(labels, Number(p.lag));
      lagSeconds.set(labels, p.lagSeconds);
      committedOffset.set(labels, Number(p.committed));
    }
  }
  for (const t of r.topics) {
    topicRecords.set({ topic: t.topic }, Number(t.records));
    dlqRecords.set({ topic: t.topic }, Number(t.dlqRecords));
    if (t.lastRecordAt) lastRecord.set({ topic: t.topic }, Date.parse(t.lastRecordAt) / 1000);
  }
}
