import { Registry } from '../core/registry.ts';
import { topicName, valueSchema, valueSubject, type TopicId } from '../schemas/catalog.ts';

/**
 * Registers a new version of a topic's value schema (one optional field more): BACKWARD
 * compatible, and a new schema id that readers have not cached yet.
 */
export async function registerNextVersion(registryUrl: string, prefix: string, id: TopicId, field: string): Promise<number> {
  const schema = valueSchema(id);
  const next = { ...schema, fields: [...schema.fields, { name: field, type: ['null', 'string'], default: null }] };
  return new Registry(registryUrl).registerVersion(valueSubject(topicName(id, prefix)), JSON.stringify(next));
}
