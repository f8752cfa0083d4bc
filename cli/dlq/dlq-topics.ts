import { ConfigError } from '../../core/errors.ts';
import { TOPIC_IDS, dlqTopicName, topicName, type TopicId } from '../../schemas/catalog.ts';

// The DLQ topics of a deployment: one `<topic>.dlq` per catalog topic. A user names one as
// Kafka has it (with the prefix) or by its catalog name, of the DLQ or of its source topic.

export interface DlqTopic {
  id: TopicId;
  /** The DLQ topic as Kafka names it, prefix included. */
  topic: string;
  /** The topic its records came from (or were meant for); the only one a replay writes to. */
  source: string;
}

export function dlqTopics(prefix: string): DlqTopic[] {
  return TOPIC_IDS.map((id) => ({ id, topic: dlqTopicName(id, prefix), source: topicName(id, prefix) }));
}

/** The DLQ a name means: `signals.dlq`, `signals`, or either with the prefix. */
export function resolveDlqTopic(name: string, prefix: string, key = 'topic'): DlqTopic {
  const all = dlqTopics(prefix);
  const names = [name, `${prefix}${name}`];
  const found = all.find((d) => names.includes(d.topic) || names.includes(d.source));
  if (!found) throw new ConfigError(`${name} is not a DLQ topic of this deployment (${all.map((d) => d.topic).join(', ')})`, key);
  return found;
}
