import type { Command } from 'commander';
import { loadSection } from '../core/config.ts';
import { createKafka, withKafka } from '../core/kafka.ts';
import { checkRegistry, createRegistry } from '../core/registry.ts';
import { applyTopics, plannedTopics } from '../schemas/apply.ts';
import { TopicsConfig } from '../schemas/catalog.ts';
import { configSources, connections } from './context.ts';

function prefixOf(cmd: Command): string {
  return loadSection('topics', TopicsConfig, configSources(cmd)).prefix;
}

export function registerTopicsCommand(program: Command): void {
  const topics = program.command('topics').description('the Kafka topics and their registered Avro schemas (schemas/avro)');

  topics
    .command('apply')
    .description('create missing topics (and <topic>.dlq) with their configs, register every value schema with BACKWARD compatibility; idempotent')
    .action(async (_opts, cmd: Command) => {
      const conn = connections(cmd);
      const prefix = prefixOf(cmd);
      await checkRegistry(conn.registry);
      const admin = createKafka(conn.kafka, 'topics').admin();
      const report = await withKafka(conn.kafka, async () => {
        await admin.connect();
        try {
          return await applyTopics(admin, createRegistry(conn.registry), prefix);
        } finally {
          await admin.disconnect();
        }
      });
      for (const t of report.topics) process.stdout.write(`topic   ${t.topic.padEnd(32)} ${t.result}\n`);
      for (const s of report.schemas) process.stdout.write(`schema  ${s.subject.padEnd(32)} id ${s.id}\n`);
    });

  topics
    .command('list')
    .description('show the planned topics with partitions and configs, and whether each exists')
    .action(async (_opts, cmd: Command) => {
      const conn = connections(cmd);
      const admin = createKafka(conn.kafka, 'topics').admin();
      const existing = await withKafka(conn.kafka, async () => {
        await admin.connect();
        try {
          return new Set(await admin.listTopics());
        } finally {
          await admin.disconnect();
        }
      });
      for (const p of plannedTopics(prefixOf(cmd))) {
        const configs = Object.entries(p.configs).map(([k, v]) => `${k}=${v}`).join(' ');
        process.stdout.write(`${p.topic.padEnd(32)} ${existing.has(p.topic) ? 'exists ' : 'missing'} partitions=${p.partitions} ${configs}\n`);
      }
    });
}
