import { AssignerProtocol, type Admin, type Kafka } from 'kafkajs';
import { assignedTasks } from '../../core/runtime/task-assigner.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { TOPIC_IDS, dlqTopicName, topicName, type TopicId } from '../../schemas/catalog.ts';
import { groupVerdict, partitionVerdict, type PartitionSample, type Verdict } from './verdict.ts';

// Everything `ops-pipeline status` shows and the lag exporter exports, from the broker alone:
// per consumer group and partition the committed offset, log end and lag (records and seconds),
// throughput between two samples of the offsets, the newest event per topic, DLQ sizes, and a
// verdict per group. `status` takes its two samples a window apart; the exporter compares each
// sample with the one before.

export interface GroupSpec {
  component: string;
  groupId: string;
  topics: TopicId[];
}

export interface PartitionStatus {
  topic: string;
  partition: number;
  committed: string;
  logEnd: string;
  lag: string;
  /** Age of the oldest record not yet consumed, seconds; 0 without lag. */
  lagSeconds: number;
  verdict: Verdict;
}

/** One instance in a group: what it runs (tasks of a processor, partitions of the sink). */
export interface MemberStatus {
  memberId: string;
  clientId: string;
  host: string;
  /** A processor's tasks (stage_partition); empty for a group without the task assigner. */
  tasks: string[];
  /** The topic-partitions it was given, as `topic[p]`. */
  partitions: string[];
}

export interface GroupStatus {
  component: string;
  groupId: string;
  state: string;
  members: number;
  memberships: MemberStatus[];
  lag: string;
  maxLagSeconds: number;
  consumedPerSecond: number;
  verdict: Verdict;
  partitions: PartitionStatus[];
}

export interface TopicStatus {
  topic: string;
  /** Offsets in the log (high - low): records plus transaction markers. */
  records: string;
  producedPerSecond: number;
  lastRecordAt: string | null;
  dlqRecords: string;
}

export interface StatusReport {
  at: string;
  windowSeconds: number;
  groups: GroupStatus[];
  topics: TopicStatus[];
}

/** `topic:partition` -> its log's first and next offsets. */
type Offsets = Map<string, { low: bigint; high: bigint }>;

function assignedPartitions(memberAssignment: Buffer): string[] {
  const a = memberAssignment?.length ? AssignerProtocol.MemberAssignment.decode(memberAssignment) : null;
  return Object.entries(a?.assignment ?? {}).flatMap(([topic, ps]) => ps.map((p) => `${topic}[${p}]`));
}

/** The offsets at one moment: every data and DLQ topic's, and each group's committed ones. */
export interface OffsetsSample {
  /** Epoch ms. */
  at: number;
  offsets: Offsets;
  /** groupId -> `topic:partition` -> committed offset (-1: none). */
  committed: Map<string, Map<string, bigint>>;
}

type Ranges = Map<string, { from: bigint; to: bigint }>;

async function topicOffsets(admin: Admin, topics: string[], existing: Set<string>): Promise<Offsets> {
  const out: Offsets = new Map();
  for (const topic of topics) {
    if (!existing.has(topic)) continue;
    for (const p of await admin.fetchTopicOffsets(topic)) out.set(`${topic}:${p.partition}`, { low: BigInt(p.low), high: BigInt(p.high) });
  }
  return out;
}

async function committedOffsets(admin: Admin, groupId: string, topics: string[], existing: Set<string>): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  const present = topics.filter((t) => existing.has(t));
  if (!present.length) return out;
  for (const t of await admin.fetchOffsets({ groupId, topics: present })) {
    for (const p of t.partitions) out.set(`${t.topic}:${p.partition}`, BigInt(p.offset));
  }
  return out;
}

/**
 * Record timestamps (ms) per `topic:partition` over [from, to): the first one (the oldest record
 * not yet consumed) or the newest. Ranges, not single offsets: transaction markers hold offsets
 * too. One read for all the topics: each read is a consumer joining a group of its own.
 */
async function timestampsIn(kafka: Kafka, ranges: Ranges, pick: 'first' | 'newest'): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!ranges.size) return out;
  const topics = [...new Set([...ranges.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))];
  await readToEnd(
    kafka,
    topics,
    (m, partition, topic) => {
      const key = `${topic}:${partition}`;
      const t = Number(m.timestamp);
      if (pick === 'first' ? !out.has(key) : t > (out.get(key) ?? -Infinity)) out.set(key, t);
    },
    {
      startAt: ({ topic, partition, high }) => ranges.get(`${topic}:${partition}`)?.from ?? high,
      endAt: ({ topic, partition, high }) => ranges.get(`${topic}:${partition}`)?.to ?? high,
      stallTimeoutMs: 5000,
      partialOnStall: true,
    },
  );
  return out;
}

const allTopics = (prefix: string) => TOPIC_IDS.flatMap((id) => [topicName(id, prefix), dlqTopicName(id, prefix)]);

/** Every topic's offsets and every group's committed offsets, now. */
export async function sampleOffsets(admin: Admin, groups: GroupSpec[], prefix: string): Promise<OffsetsSample> {
  const existing = new Set(await admin.listTopics());
  const offsets = await topicOffsets(admin, allTopics(prefix), existing);
  const committed = new Map(await Promise.all(groups.map(async (g) => [g.groupId, await committedOffsets(admin, g.groupId, g.topics.map((id) => topicName(id, prefix)), existing)] as const)));
  return { at: Date.now(), offsets, committed };
}

/** One partition of a group between two samples: what its verdict is made of. */
function partitionSample(before: OffsetsSample, after: OffsetsSample, groupId: string, key: string): PartitionSample {
  const off = after.offsets.get(key)!;
  const start = (c: bigint | undefined, low: bigint) => (c === undefined || c < 0n ? low : c);
  const committedBefore = start(before.committed.get(groupId)?.get(key), before.offsets.get(key)?.low ?? off.low);
  const committedAfter = start(after.committed.get(groupId)?.get(key), off.low);
  const lagBefore = (before.offsets.get(key)?.high ?? off.high) - committedBefore;
  const lagAfter = off.high - committedAfter;
  return { committedBefore, committedAfter, lagBefore: lagBefore > 0n ? lagBefore : 0n, lagAfter: lagAfter > 0n ? lagAfter : 0n };
}

/** The report for the window between two samples: lags and ages at `after`, rates and verdicts over the window. */
export async function reportBetween(kafka: Kafka, admin: Admin, groups: GroupSpec[], prefix: string, before: OffsetsSample, after: OffsetsSample): Promise<StatusReport> {
  const seconds = Math.max(0.001, (after.at - before.at) / 1000);
  const partitionsOf = (topic: string) => [...after.offsets.keys()].filter((k) => k.startsWith(`${topic}:`));

  const groupStatuses: GroupStatus[] = [];
  for (const g of groups) {
    const description = (await admin.describeGroups([g.groupId])).groups[0];
    const oldest: Ranges = new Map();
    const rows: Array<Omit<PartitionStatus, 'lagSeconds'> & { key: string }> = [];
    const samples: PartitionSample[] = [];
    let consumed = 0n;
    for (const topic of g.topics.map((id) => topicName(id, prefix))) {
      for (const key of partitionsOf(topic)) {
        const high = after.offsets.get(key)!.high;
        const s = partitionSample(before, after, g.groupId, key);
        samples.push(s);
        consumed += s.committedAfter - s.committedBefore;
        if (s.lagAfter > 0n) oldest.set(key, { from: s.committedAfter, to: s.committedAfter + 10n < high ? s.committedAfter + 10n : high });
        const committed = after.committed.get(g.groupId)?.get(key) ?? -1n;
        rows.push({ key, topic, partition: Number(key.slice(topic.length + 1)), committed: String(committed), logEnd: String(high), lag: String(s.lagAfter), verdict: partitionVerdict(s) });
      }
    }
    const ts = await timestampsIn(kafka, oldest, 'first');
    const now = Date.now();
    const partitions = rows.map(({ key, ...r }) => ({ ...r, lagSeconds: ts.has(key) ? Math.max(0, Math.round((now - ts.get(key)!) / 1000)) : 0 }));
    groupStatuses.push({
      component: g.component,
      groupId: g.groupId,
      state: description?.state ?? 'Unknown',
      members: description?.members.length ?? 0,
      memberships: (description?.members ?? []).map((m) => ({ memberId: m.memberId, clientId: m.clientId, host: m.clientHost, tasks: assignedTasks(m.memberAssignment), partitions: assignedPartitions(m.memberAssignment) })),
      lag: String(partitions.reduce((s, p) => s + BigInt(p.lag), 0n)),
      maxLagSeconds: Math.max(0, ...partitions.map((p) => p.lagSeconds)),
      consumedPerSecond: Math.round((Number(consumed) / seconds) * 10) / 10,
      verdict: groupVerdict(samples),
      partitions,
    });
  }

  const dataTopics = TOPIC_IDS.map((id) => topicName(id, prefix));
  const tails: Ranges = new Map();
  for (const topic of dataTopics) {
    for (const key of partitionsOf(topic)) {
      const off = after.offsets.get(key)!;
      if (off.high > off.low) tails.set(key, { from: off.high - 10n > off.low ? off.high - 10n : off.low, to: off.high });
    }
  }
  const newest = await timestampsIn(kafka, tails, 'newest');
  const sum = (topic: string, pick: (o: { low: bigint; high: bigint }) => bigint, from: Offsets) =>
    [...from].filter(([k]) => k.startsWith(`${topic}:`)).reduce((s, [, o]) => s + pick(o), 0n);
  const topics: TopicStatus[] = TOPIC_IDS.map((id) => {
    const topic = topicName(id, prefix);
    const last = Math.max(...[...newest].filter(([k]) => k.startsWith(`${topic}:`)).map(([, t]) => t));
    return {
      topic,
      records: String(sum(topic, (o) => o.high - o.low, after.offsets)),
      producedPerSecond: Math.round((Number(sum(topic, (o) => o.high, after.offsets) - sum(topic, (o) => o.high, before.offsets)) / seconds) * 10) / 10,
      lastRecordAt: Number.isFinite(last) ? new Date(last).toISOString() : null,
      dlqRecords: String(sum(dlqTopicName(id, prefix), (o) => o.high - o.low, after.offsets)),
    };
  });
  return { at: new Date(after.at).toISOString(), windowSeconds: Math.round(seconds * 10) / 10, groups: groupStatuses, topics };
}

/** Two samples `windowMs` apart, and the report between them (`ops-pipeline status`). */
export async function collectStatus(kafka: Kafka, admin: Admin, groups: GroupSpec[], prefix: string, windowMs: number): Promise<StatusReport> {
  const before = await sampleOffsets(admin, groups, prefix);
  await new Promise((r) => setTimeout(r, windowMs));
  return reportBetween(kafka, admin, groups, prefix, before, await sampleOffsets(admin, groups, prefix));
}
