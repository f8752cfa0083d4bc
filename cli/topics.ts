import type { Command } from 'commander';
import type { Admin } from 'kafkajs';
import { loadSection, type ConnectionsConfig } from '../core/config.ts';
import { checkKafka, createKafka, withKafka } from '../core/kafka.ts';
import { checkRegistry, createRegistry, withRegistry } from '../core/registry.ts';
import { applyTopics, plannedTopics, type ApplyOptions, type ApplyReport, type SchemaResult, type TopicResult } from '../schemas/apply.ts';
import { TOPIC_IDS, TopicsConfig, topicName, valueSubject } from '../schemas/catalog.ts';
import { ASYNCAPI_DOC, renderAsyncApi } from '../schemas/asyncapi.ts';
import { renderTopicDocs, TOPIC_DOCS } from '../schemas/topic-docs.ts';
import { readTopicStates, topicDifferences } from '../schemas/topic-state.ts';
import { configSources, connections } from '../core/command-config.ts';
import { generatedFileCommand } from './generated-file.ts';

function topicsConfig(cmd: Command): TopicsConfig {
  return loadSection('topics', TopicsConfig, configSources(cmd));
}

/** Both services answer, or one clear error naming the one that does not (in seconds, not minutes). */
async function checkServices(conn: ConnectionsConfig): Promise<void> {
  await checkKafka(conn.kafka);
  await checkRegistry(conn.registry);
}

async function withAdmin<T>(conn: ConnectionsConfig, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createKafka(conn.kafka, 'topics').admin();
  return withKafka(conn.kafka, async () => {
    await admin.connect();
    try {
      return await withRegistry(conn.registry, () => fn(admin));
    } finally {
      await admin.disconnect();
    }
  });
}

/** What `topics apply` does: both services checked, then the catalog's topics and schemas applied under the prefix. */
export async function applyCatalog(conn: ConnectionsConfig, prefix: string, o: ApplyOptions = {}): Promise<ApplyReport> {
  await checkServices(conn);
  return withAdmin(conn, (admin) => applyTopics(admin, createRegistry(conn.registry), prefix, o));
}

function topicLine(t: TopicResult): string {
  const what = t.result === 'differs' ? `DIFFERS: ${t.differences.join('; ')}` : t.result === 'grown' ? `grown from ${t.partitions!.from} to ${t.partitions!.to} partitions` : t.result;
  const advice = t.partitions && t.result !== 'grown' ? `\n        ${''.padEnd(36)} ${t.partitions.advice}` : '';
  return `topic   ${t.topic.padEnd(36)} ${what}${advice}\n`;
}

function schemaLine(s: SchemaResult): string {
  const compat = s.compatibility === 'set' ? ' (compatibility set to BACKWARD)' : '';
  return `schema  ${s.subject.padEnd(36)} ${s.result} id ${s.id} version ${s.version}${compat}\n`;
}

export function registerTopicsCommand(program: Command): void {
  const topics = program
    .command('topics')
    .description('the Kafka topics of the catalog (schemas/catalog.ts) and their registered Avro value schemas (schemas/avro)');

  topics
    .command('apply')
    .description(
      'create missing topics and their <topic>.dlq with the catalog\'s partitions and configs, set each subject <topic>-value to BACKWARD ' +
        'and register its schema; idempotent (a re-run reports everything unchanged). Existing topics are compared, never altered: ' +
        'a difference is reported and the exit code is 1. Partition counts come from the catalog or topics.partitions',
    )
    .option('--add-partitions', 'grow news.raw and news.classified to their planned partition count (topics.partitions); the topics whose keys carry state are never grown')
    .action(async (opts: { addPartitions?: boolean }, cmd: Command) => {
      const { prefix, partitions } = topicsConfig(cmd);
      const report = await applyCatalog(connections(cmd), prefix, { partitions, addPartitions: opts.addPartitions });
      for (const t of report.topics) process.stdout.write(topicLine(t));
      for (const s of report.schemas) process.stdout.write(schemaLine(s));
      const differing = report.topics.filter((t) => t.result === 'differs');
      if (differing.length) {
        process.stderr.write(
          `${differing.length} existing topic(s) differ from the catalog and were left as they are; ` +
            'change them with kafka-configs.sh / kafka-topics.sh, or delete and re-apply them if their data can go\n',
        );
        process.exitCode = 1;
      }
    });

  topics
    .command('describe')
    .alias('list')
    .description('show each catalog topic as the broker has it (partitions, cleanup and retention, differences from the catalog) and each subject\'s latest version and compatibility')
    .option('--json', 'one JSON object on stdout instead of the table')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const conn = connections(cmd);
      const { prefix, partitions } = topicsConfig(cmd);
      await checkServices(conn);
      const plans = plannedTopics(prefix, partitions);
      const registry = createRegistry(conn.registry);
      const { states, subjects } = await withAdmin(conn, async (admin) => ({
        states: await readTopicStates(admin, plans),
        subjects: await Promise.all(
          TOPIC_IDS.map(async (id) => {
            const subject = valueSubject(topicName(id, prefix));
            return { subject, latest: await registry.latestVersion(subject), compatibility: await registry.subjectCompatibility(subject) };
          }),
        ),
      }));
      const topicRows = plans.map((p) => {
        const state = states.get(p.topic);
        return {
          topic: p.topic,
          exists: Boolean(state),
          partitions: state?.partitions ?? null,
          configs: state?.configs ?? null,
          differences: state ? topicDifferences(p, state) : [],
          plan: { partitions: p.partitions, configs: p.configs },
        };
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ prefix, topics: topicRows, subjects })}\n`);
        return;
      }
      for (const r of topicRows) {
        const shown = r.exists ? r : { ...r, partitions: r.plan.partitions, configs: r.plan.configs };
        const state = !r.exists ? 'missing' : r.differences.length ? 'DIFFERS' : 'ok';
        const configs = Object.entries(shown.configs ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
        const diff = r.differences.length ? `  (${r.differences.join('; ')})` : '';
        const planned = r.exists ? '' : 'to create: ';
        process.stdout.write(`topic   ${r.topic.padEnd(36)} ${state.padEnd(8)} ${planned}partitions=${shown.partitions} ${configs}${diff}\n`);
      }
      for (const s of subjects) {
        const latest = s.latest ? `version ${s.latest.version} id ${s.latest.id}` : 'not registered';
        process.stdout.write(`schema  ${s.subject.padEnd(36)} ${latest}, compatibility ${s.compatibility ?? '(registry default)'}\n`);
      }
    });

  generatedFileCommand(topics, 'docs', TOPIC_DOCS, renderTopicDocs, 'write docs/topics.md from the catalog and the Avro schemas (--check: fail if it is stale)');
  generatedFileCommand(topics, 'asyncapi', ASYNCAPI_DOC, renderAsyncApi, 'write docs/asyncapi.yaml (AsyncAPI 3: a channel per topic and DLQ, Kafka bindings, the Avro schemas embedded) from the catalog (--check: fail if it is stale)');
}
