import type { Admin } from 'kafkajs';
import type { TopicPlan } from './apply.ts';

// What the broker actually has for the catalog's topics, and how that differs from the plan.
// `topics apply` reports differences instead of changing existing topics: more partitions
// would move keys to other partitions, and a changed cleanup policy can delete data.

// ConfigResourceTypes.TOPIC; kafkajs (CommonJS) does not offer that enum as a named ESM export.
const TOPIC_RESOURCE = 2;

export interface TopicState {
  topic: string;
  partitions: number;
  /** The values of the plan's config keys as the broker reports them. */
  configs: Record<string, string>;
}

/** The state of those planned topics that exist; missing topics are absent from the map. */
export async function readTopicStates(admin: Admin, plans: readonly TopicPlan[]): Promise<Map<string, TopicState>> {
  const existing = new Set(await admin.listTopics());
  const present = plans.filter((p) => existing.has(p.topic));
  const states = new Map<string, TopicState>();
  if (!present.length) return states;

  const metadata = await admin.fetchTopicMetadata({ topics: present.map((p) => p.topic) });
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: present.map((p) => ({ type: TOPIC_RESOURCE, name: p.topic, configNames: Object.keys(p.configs) })),
  });
  for (const p of present) {
    const entries = described.resources.find((r) => r.resourceName === p.topic)?.configEntries ?? [];
    states.set(p.topic, {
      topic: p.topic,
      partitions: metadata.topics.find((t) => t.name === p.topic)?.partitions.length ?? 0,
      configs: Object.fromEntries(entries.map((e) => [e.configName, e.configValue])),
    });
  }
  return states;
}

/** Human-readable differences between plan and broker, empty when they agree. */
export function topicDifferences(plan: TopicPlan, actual: TopicState): string[] {
  const out: string[] = [];
  if (actual.partitions !== plan.partitions) out.push(`partitions ${actual.partitions} (catalog: ${plan.partitions})`);
  for (const [name, want] of Object.entries(plan.configs)) {
    const have = actual.configs[name];
    if (have !== want) out.push(`${name}=${have ?? '(unset)'} (catalog: ${want})`);
  }
  return out;
}
