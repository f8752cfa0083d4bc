import { AssignerProtocol, type Admin, type Kafka } from 'kafkajs';
import { assignedTasks } from '../../core/runtime/task-assigner.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { TOPIC_IDS, dlqTopicName, topicName, type TopicId } from '../../schemas/catalog.ts';
import { groupVerdict, partitionVerdict, type Verdict } from './verdict.ts';

// Everything `ops-pipeline status` shows, from the broker alone: per consumer group and
// partition the committed offset, log end and lag (records and seconds), throughput over the
// sampling window, the newest event per topic, DLQ sizes, and a verdict per group.

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

type Offsets = Map<string, { low: bigint; high: bigint }>;

function assignedPartitions(memberAssignment: Buffer): string[] {
  const a = memberAssignment?.length ? AssignerProtocol.MemberAssignment.decode(memberAssignment) : null;
  return Object.entries(a?.assignment ?? {}).flatMap(([topic, ps]) => ps.map((p) => `${topic}[${p}]`));
}

async function topicOffsets(admin: Admin, topics: string[]): Promise<Offsets> {
  const out: Offsets = new Map();
  const existing = new Set(await admin.listTopics());
  for (const topic of topics) {
    if (!existing.has(topic)) continue;
    for (const p of await admin.fetchTopicOffsets(topic)) out.set(`${topic}:${p.partition}`, { low: BigInt(p.low), high: BigInt(p.high) });
  }
  return out;
}

async function committedOffsets(admin: Admin, groupId: string, topics: string[]): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  const existing = new Set(await admin.listTopics());
  const present = topics.filter((t) => existing.has(t));
  if (!present.length) return out;
  for (const t of await admin.fetchOffsets({ groupId, topics: present })) {
    for (const p of t.partitions) out.set(`${t.topic}:${p.partition}`, BigInt(p.offset));
  }
  return out;
}

/**
 * Record timestamps (ms) per partition over [from, to): the first one (the oldest record not yet
 * consumed) or the newest. Ranges, not single offsets: transaction markers hold offsets too.
 */
async function timestampsIn(kafka: Kafka, topic: string, ranges: Map<number, { from: bigint; to: bigint }>, pick: 'first' | 'newest'): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (!ranges.size) return out;
  await readToEnd(
    kafka,
    topic,
    (m, partition) => {
      const t = Number(m.timestamp);
      if (pick === 'first' ? !out.has(partition) : t > (out.get(partition) ?? -Infinity)) out.set(partition, t);
    },
    { startAt: ({ partition, high }) => ranges.get(partition)?.from ?? high, endAt: ({ partition, high }) => ranges.get(partition)?.to ?? high, stallTimeoutMs: 5000, partialOnStall: true },
  );
  return out;
}

export async function collectStatus(kafka: Kafka, admin: Admin, groups: GroupSpec[], prefix: string, windowMs: number): Promise<StatusReport> {
  const dataTopics = TOPIC_IDS.map((id) => topicName(id, prefix));
  const dlqTopics = TOPIC_IDS.map((id) => dlqTopicName(id, prefix));
  const before = await topicOffsets(admin, [...dataTopics, ...dlqTopics]);
  const committedBefore = new Map(await Promise.all(groups.map(async (g) => [g.groupId, await committedOffsets(admin, g.groupId, g.topics.map((id) => topicName(id, prefix)))] as const)));
  const started = Date.now();
  await new Promise((r) => setTimeout(r, windowMs));
  const after = await topicOffsets(admin, [...dataTopics, ...dlqTopics]);
  const seconds = (Date.now() - started) / 1000;
  const now = Date.now();

  const groupStatuses: GroupStatus[] = [];
  for (const g of groups) {
    const topics = g.topics.map((id) => topicName(id, prefix));
    const committed = await committedOffsets(admin, g.groupId, topics);
    const description = (await admin.describeGroups([g.groupId])).groups[0];
    const partitions: PartitionStatus[] = [];
    const samples = [];
    let consumed = 0n;
    for (const topic of topics) {
      const oldest = new Map<number, { from: bigint; to: bigint }>();
      const rows: Array<Omit<PartitionStatus, 'lagSeconds'>> = [];
      for (const [key, off] of after) {
        if (!key.startsWith(`${topic}:`)) continue;
        const partition = Number(key.slice(topic.length + 1));
        const start = (c: bigint | undefined, low: bigint) => (c === undefined || c < 0n ? low : c);
        const c1 = start(committedBefore.get(g.groupId)?.get(key), before.get(key)?.low ?? off.low);
        const c2 = start(committed.get(key), off.low);
        const lagBefore = (before.get(key)?.high ?? off.high) - c1;
        const lag = off.high - c2 > 0n ? off.high - c2 : 0n;
        consumed += c2 - c1;
        const sample = { committedBefore: c1, committedAfter: c2, lagBefore: lagBefore > 0n ? lagBefore : 0n, lagAfter: lag };
        samples.push(sample);
        if (lag > 0n) oldest.set(partition, { from: c2, to: c2 + 10n < off.high ? c2 + 10n : off.high });
        rows.push({ topic, partition, committed: String(committed.get(key) ?? -1n), logEnd: String(off.high), lag: String(lag), verdict: partitionVerdict(sample) });
      }
      const ts = await timestampsIn(kafka, topic, oldest, 'first');
      for (const r of rows) partitions.push({ ...r, lagSeconds: ts.has(r.partition) ? Math.max(0, Math.round((now - ts.get(r.partition)!) / 1000)) : 0 });
    }
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

  const lastTimes = new Map<string, number>();
  for (const topic of dataTopics) {
    const tails = new Map<number, { from: bigint; to: bigint }>();
    for (const [key, off] of after) {
      if (key.startsWith(`${topic}:`) && off.high > off.low) tails.set(Number(key.slice(topic.length + 1)), { from: off.high - 10n > off.low ? off.high - 10n : off.low, to: off.high });
    }
    const ts = await timestampsIn(kafka, topic, tails, 'newest');
    if (ts.size) lastTimes.set(topic, Math.max(...ts.values()));
  }
  const sum = (topic: string, pick: (o: { low: bigint; high: bigint }) => bigint, from: Offsets) =>
    [...from].filter(([k]) => k.startsWith(`${topic}:`)).reduce((s, [, o]) => s + pick(o), 0n);
  const topics: TopicStatus[] = dataTopics.map((topic, i) => ({
    topic,
    records: String(sum(topic, (o) => o.high - o.low, after)),
    producedPerSecond: Math.round((Number(sum(topic, (o) => o.high, after) - sum(topic, (o) => o.high, before)) / seconds) * 10) / 10,
    lastRecordAt: lastTimes.has(topic) ? new Date(lastTimes.get(topic)!).toISOString() : null,
    dlqRecords: String(sum(dlqTopics[i]!, (o) => o.high - o.low, after)),
  }));
  return { at: new Date(now).toISOString(), windowSeconds: Math.round(seconds * 10) / 10, groups: groupStatuses, topics };
}
