import type { Command } from 'commander';
import { configSources, connections } from '../../core/command-config.ts';
import { loadSection } from '../../core/config.ts';
import { connectClient } from '../../core/db.ts';
import { ConfigError } from '../../core/errors.ts';
import { createKafka, withKafka } from '../../core/kafka.ts';
import { TopicsConfig, topicName, type TopicId } from '../../schemas/catalog.ts';
import { SinkConfig } from './config.ts';
import { resetSinkTopics } from './reset.ts';

export function registerSinkResetCommand(program: Command): void {
  const sink = program.command('sink').description('operate the PostgreSQL sink (run it with `run sink`)');
  sink
    .command('reset')
    .description('forget where the sink has written a topic up to, so that it writes the topic from its start again (after the topic was deleted and created again); stop every sink of the group first')
    .requiredOption('--topic <names...>', 'topics to reset, as named in Kafka (with the prefix) or by their catalog name (news.raw, market.candles, …)')
    .action(async (opts: { topic: string[] }, cmd: Command) => {
      const sources = configSources(cmd);
      const conn = connections(cmd);
      const config = loadSection('sink', SinkConfig, sources);
      const { prefix } = loadSection('topics', TopicsConfig, sources);
      const sinkTopics = config.topics.map((id) => topicName(id as TopicId, prefix));
      const topics = opts.topic.map((t) => {
        const name = sinkTopics.includes(t) ? t : `${prefix}${t}`;
        if (!sinkTopics.includes(name)) throw new ConfigError(`${t} is not one of the sink's topics (${sinkTopics.join(', ')})`, '--topic');
        return name;
      });
      const kafka = createKafka(conn.kafka, 'sink-reset');
      const admin = kafka.admin();
      const client = await connectClient(conn.database.url);
      try {
        await withKafka(conn.kafka, () => admin.connect());
        for (const r of await withKafka(conn.kafka, () => resetSinkTopics(admin, client, `${prefix}${config.groupId}`, topics))) {
          process.stdout.write(`${r.topic}: ${r.positions} stored partition position(s) forgotten; group ${prefix}${config.groupId} starts it from the earliest offset\n`);
        }
      } finally {
        await admin.disconnect().catch(() => {});
        await client.end();
      }
    });
}
