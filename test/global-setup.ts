import { loadConnections } from '../core/config.ts';
import { checkRegistry } from '../core/registry.ts';
import { checkKafka } from '../core/kafka.ts';
import { postgresAnswers } from '../deploy/local/services.ts';

// Integration tests need the real services. Fail once, up front, with the fix, instead of
// letting every test time out against a closed port.

const answers = (check: Promise<unknown>): Promise<boolean> => check.then(() => true, () => false);

export default async function setup(): Promise<void> {
  const c = loadConnections({});
  const problems: string[] = [];
  if (!(await answers(checkKafka(c.kafka)))) problems.push(`Kafka at ${c.kafka.brokers.join(',')}`);
  if (!(await answers(checkRegistry(c.registry)))) problems.push(`schema registry at ${c.registry.url}`);
  if (!(await postgresAnswers(c.database.url))) problems.push(`PostgreSQL at ${new URL(c.database.url).host}`);
  if (problems.length) {
    throw new Error(
      `integration tests need the real services; not answering: ${problems.join(', ')}.\n` +
        `Start them with: npx ops-pipeline services up`,
    );
  }
}
