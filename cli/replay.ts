import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { SinkConfig } from '../connectors/postgres-sink/config.ts';
import { startPostgresSink } from '../connectors/postgres-sink/component.ts';
import { loadSection } from '../core/config.ts';
import { connectClient, describeDatabase } from '../core/db.ts';
import { ConfigError } from '../core/errors.ts';
import { migrateDatabase } from '../migrations/migrate.ts';
import { TopicsConfig } from '../schemas/catalog.ts';
import { topicSettings } from '../core/command-config.ts';
import { configSources, connections } from '../core/command-config.ts';

// Kafka is the source of truth: `replay sink` rebuilds every table from the topics into a
// fresh database, with a consumer group of its own so the live sink is not disturbed.

export function registerReplayCommand(program: Command): void {
  const replay = program.command('replay').description('rebuild state from the topics');
  replay
    .command('sink')
    .description('migrate a fresh database and fill every table from the beginning of every topic (a new consumer group; the live sink is untouched)')
    .requiredOption('--target <url>', 'PostgreSQL URL of the database to build (created if missing; must have no rows)')
    .action(async (opts: { target: string }, cmd: Command) => {
      const sources = configSources(cmd);
      if (!/^postgres(ql)?:\/\//.test(opts.target)) throw new ConfigError('expected a postgres:// URL', '--target');
      await migrateDatabase(opts.target);
      const client = await connectClient(opts.target);
      try {
        const { rows } = await client.query(`SELECT (SELECT count(*) FROM inbound_events_raw) + (SELECT count(*) FROM lane_telemetry) + (SELECT count(*) FROM dispatch_recommendations) + (SELECT count(*) FROM feed_state) AS n`);
        if (Number(rows[0].n) > 0) throw new ConfigError(`${describeDatabase(opts.target)} already has rows; replay into a fresh database`, '--target');
      } finally {
        await client.end();
      }
      const groupId = `ops-pipeline-replay-${randomBytes(4).toString('hex')}`;
      const sink = await startPostgresSink({
        connections: { ...connections(cmd), database: { url: opts.target } },
        config: { ...loadSection('sink', SinkConfig, sources), groupId, fromBeginning: true },
        ...topicSettings(loadSection('topics', TopicsConfig, sources)),
        once: true,
      });
      const s = await sink.done;
      process.stdout.write(`replay sink: ${s.records} records, ${s.rows} rows into ${describeDatabase(opts.target)} (group ${groupId}), ${s.dlq} to DLQ\n`);
    });
}
