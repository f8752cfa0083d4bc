import type { Command } from 'commander';
import { loadSection } from '../../core/config.ts';
import { checkKafka, createKafka, withKafka } from '../../core/kafka.ts';
import { TopicsConfig } from '../../schemas/catalog.ts';
import { configSources, connections } from '../../core/command-config.ts';
import { RssConfig } from '../../connectors/rss/config.ts';
import { collectStatus, type StatusReport } from './collect.ts';
import { renderStatusFeeds, statusFeeds, type StatusFeeds } from './feeds.ts';
import { pipelineGroups } from './groups.ts';

function render(r: StatusReport, feeds: StatusFeeds): string {
  const lines = [`status at ${r.at} (window ${r.windowSeconds}s)`, '', 'group                        component  state    members  lag       lag age  consumed/s  verdict'];
  for (const g of r.groups) {
    lines.push(`${g.groupId.padEnd(28)} ${g.component.padEnd(10)} ${g.state.padEnd(8)} ${String(g.members).padStart(7)}  ${g.lag.padStart(8)}  ${`${g.maxLagSeconds}s`.padStart(7)}  ${String(g.consumedPerSecond).padStart(10)}  ${g.verdict}`);
    for (const m of g.memberships) lines.push(`  member ${m.clientId}@${m.host}: ${m.tasks.length ? `tasks ${m.tasks.join(' ')}` : `partitions ${m.partitions.join(' ')}`}`);
    for (const p of g.partitions) {
      if (p.lag !== '0' || p.verdict !== 'ok') lines.push(`  ${`${p.topic}[${p.partition}]`.padEnd(30)} committed ${p.committed} end ${p.logEnd} lag ${p.lag} (${p.lagSeconds}s) ${p.verdict}`);
    }
  }
  lines.push('', 'topic                      offsets   produced/s  last record                 dlq');
  for (const t of r.topics) lines.push(`${t.topic.padEnd(24)} ${t.records.padStart(9)}  ${String(t.producedPerSecond).padStart(10)}  ${(t.lastRecordAt ?? '-').padEnd(26)} ${t.dlqRecords}`);
  lines.push('', ...renderStatusFeeds(feeds));
  return `${lines.join('\n')}\n`;
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('per consumer group and partition: committed offset, log end, lag (records and age), throughput, verdict (ok / lagging / stalled); per topic: offsets (records and transaction markers), rate, newest record, DLQ size; the RSS feeds: stale, moved, held off (from feeds.state)')
    .option('--json', 'print JSON')
    .option('--window <seconds>', 'sampling window for rates and verdicts', (v) => Number(v), 5)
    .action(async (opts: { json?: boolean; window: number }, cmd: Command) => {
      const sources = configSources(cmd);
      const conn = connections(cmd);
      const prefix = loadSection('topics', TopicsConfig, sources).prefix;
      const groups = pipelineGroups(sources, prefix);
      const rss = loadSection('rss', RssConfig, sources);
      await checkKafka(conn.kafka);
      const kafka = createKafka(conn.kafka, 'status');
      const admin = kafka.admin();
      const [report, feeds] = await withKafka(conn.kafka, async () => {
        await admin.connect();
        try {
          return [await collectStatus(kafka, admin, groups, prefix, opts.window * 1000), await statusFeeds(kafka, conn, prefix, rss)] as const;
        } finally {
          await admin.disconnect();
        }
      });
      process.stdout.write(opts.json ? `${JSON.stringify({ ...report, feeds }, null, 2)}\n` : render(report, feeds));
      if (report.groups.some((g) => g.verdict === 'stalled')) process.exitCode = 1;
    });
}
