import type { ConnectionsConfig } from '../../core/config.ts';
import { servicesUp } from '../../deploy/local/services.ts';
import { migrateDatabase } from '../../migrations/migrate.ts';
import type { TopicsConfig } from '../../schemas/catalog.ts';
import { applyCatalog } from '../topics.ts';
import type { ConsoleLine } from './console-line.ts';

// What is in place before any component of `up` starts: the local services if asked for
// (`services up`), the database's migrations (`migrate`) and the topics and schemas
// (`topics apply`), each with the same code as its own command and said in a line or two.

export async function prepare(conn: ConnectionsConfig, topics: TopicsConfig, o: { services?: boolean }, say: (text: string, level?: ConsoleLine['level']) => void): Promise<void> {
  if (o.services) await servicesUp({ databaseUrl: conn.database.url, report: (m) => say(`services: ${m.trim()}`) });
  const migrated = await migrateDatabase(conn.database.url);
  say(`migrate: ${migrated.database} ${migrated.applied.length ? `applied ${migrated.applied.join(', ')}` : 'up to date'}`);
  const applied = await applyCatalog(conn, topics.prefix, { partitions: topics.partitions });
  const created = applied.topics.filter((t) => t.result === 'created').length;
  const differ = applied.topics.filter((t) => t.result === 'differs').map((t) => t.topic);
  say(`topics: ${created} created, ${applied.topics.length - created} there${topics.prefix ? ` (prefix ${topics.prefix})` : ''}, ${applied.schemas.length} schemas registered`);
  if (differ.length) say(`topics: ${differ.join(', ')} differ from the catalog and were left as they are (see \`topics describe\`)`, 'warn');
}
