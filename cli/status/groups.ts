import { loadSection, type ConfigSources } from '../../core/config.ts';
import { TOPICS, type TopicId } from '../../schemas/catalog.ts';
import { COMPONENTS } from '../components.ts';
import type { GroupSpec } from './collect.ts';

/**
 * The pipeline's consumer groups (its processors and the sink, from the components' registry)
 * with the catalog topics each consumes: the one list that `status` and the lag exporter both
 * watch. Group ids follow the topic prefix.
 */
export function pipelineGroups(sources: ConfigSources, prefix: string): GroupSpec[] {
  const groups: GroupSpec[] = [];
  for (const def of COMPONENTS) {
    const config = loadSection(def.section, def.config, sources) as { groupId?: string; topics?: string[] };
    if (!config.groupId) continue;
    const topics = def.kind === 'processor' ? [...new Set(def.stages.flatMap((s) => s.inputs))] : (config.topics ?? []);
    groups.push({ component: def.name, groupId: `${prefix}${config.groupId}`, topics: topics.filter((t): t is TopicId => t in TOPICS) });
  }
  return groups;
}
