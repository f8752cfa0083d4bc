import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { ConnectionsConfig } from './config.ts';
import { ServiceUnreachableError } from './errors.ts';

export function createRegistry(registry: ConnectionsConfig['registry']): SchemaRegistry {
  return new SchemaRegistry({ host: registry.url.replace(/\/$/, ''), clientId: 'ops-pipeline', retry: { retries: 3 } });
}

/** Fails fast, with the URL, when the registry does not answer. */
export async function checkRegistry(registry: ConnectionsConfig['registry']): Promise<void> {
  const url = `${registry.url.replace(/\/$/, '')}/subjects`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  } catch (err) {
    throw new ServiceUnreachableError('schema registry', registry.url, { cause: err, hint: 'is it running? npx ops-pipeline services status' });
  }
  if (!res.ok) throw new ServiceUnreachableError('schema registry', registry.url, { hint: `GET /subjects answered HTTP ${res.status}; is the URL the Confluent API base?` });
}
