import type { Command } from 'commander';
import type { Kafka } from 'kafkajs';
import { AvroCodec } from '../../core/avro-codec.ts';
import type { ConnectionsConfig } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';
import { checkKafka, createKafka, withKafka } from '../../core/kafka.ts';
import { checkRegistry, createRegistry, withRegistry } from '../../core/registry.ts';
import { connections, topicsConfig } from '../../core/command-config.ts';
import { dlqTopics, resolveDlqTopic, type DlqTopic } from './dlq-topics.ts';
import { listDlq } from './list.ts';
import { toJson } from './payload.ts';
import { renderList, renderReplayEnd, renderShow, replayedLine } from './render.ts';
import { replayDlq } from './replay.ts';
import { parsePosition, parseSelection } from './selection.ts';
import { showDlqRecord } from './show.ts';

// `ops-pipeline dlq list|show|replay`: each subcommand is data (name, arguments, options) and a
// handler of a few lines over the library functions beside it (as graphile-migrate's commands).

interface DlqContext {
  prefix: string;
  conn: ConnectionsConfig;
  kafka: Kafka;
  /** The DLQ a user named, checked to exist. */
  dlq(name: string, key?: string): Promise<DlqTopic>;
  /** Every DLQ of the deployment, checked to exist. */
  all(): Promise<DlqTopic[]>;
}

interface Subcommand<O> {
  name: string;
  description: string;
  arguments: Array<[name: string, description: string]>;
  options: Array<[flags: string, description: string]>;
  handler(ctx: DlqContext, args: string[], opts: O): Promise<void>;
}

const list: Subcommand<{ topic?: string; json?: boolean }> = {
  name: 'list',
  description: 'per DLQ topic: how many records, grouped by reason (stage, error class and message with numbers masked), first and last seen, how many replayed',
  arguments: [],
  options: [
    ['--topic <name>', 'one DLQ only: its name or its source topic\'s (signals.dlq, signals, with or without the prefix)'],
    ['--json', 'one JSON document on stdout'],
  ],
  async handler(ctx, _args, opts) {
    const report = await listDlq(ctx.kafka, opts.topic ? [await ctx.dlq(opts.topic, '--topic')] : await ctx.all());
    process.stdout.write(opts.json ? `${toJson(report)}\n` : renderList(report));
  },
};

const show: Subcommand<{ offset?: string; json?: boolean }> = {
  name: 'show',
  description: 'one DLQ record: its dlq.* and original headers, its key, and its payload decoded (Avro through the registry, else JSON, else a hex and UTF-8 preview)',
  arguments: [
    ['<dlq-topic>', 'the DLQ (signals.dlq, or the source topic signals)'],
    ['[position]', '<partition>:<offset>, or <offset> (partition 0)'],
  ],
  options: [
    ['--offset <position>', 'the record, instead of the position argument'],
    ['--json', 'one JSON document on stdout'],
  ],
  async handler(ctx, [topic, position], opts) {
    const at = position ?? opts.offset;
    if (at === undefined) throw new ConfigError('say which record: dlq show <dlq-topic> <partition>:<offset>', 'position');
    const registry = createRegistry(ctx.conn.registry);
    await checkRegistry(ctx.conn.registry);
    const shown = await withRegistry(ctx.conn.registry, async () => showDlqRecord(ctx.kafka, new AvroCodec(registry), await ctx.dlq(topic!, 'dlq-topic'), parsePosition(at, 'position')));
    process.stdout.write(opts.json ? `${toJson(shown)}\n` : renderShow(shown));
  },
};

const replay: Subcommand<{ offset?: string; reason?: string; all?: boolean; dryRun?: boolean; json?: boolean }> = {
  name: 'replay',
  description:
    'send chosen DLQ records back to their source topic (dlq.source.topic) after a fix: key, value and headers byte for byte, in their source partition ' +
    '(a record refused at a source, partition -1: by its key), at their original timestamp, with dlq.replayed.from and the dlq.* headers as dlq.replayed.*. ' +
    'Each goes in a transaction with a replay marker in the DLQ: a record replayed once is never sent again',
  arguments: [['<dlq-topic>', 'the DLQ (signals.dlq, or the source topic signals)']],
  options: [
    ['--offset <range>', 'records [<partition>:]<from>[-<to>], inclusive (3-7, 0:12)'],
    ['--reason <regex>', 'records whose "<class>: <message>" (as dlq show prints it) or reason group (as dlq list prints it) matches'],
    ['--all', 'every record'],
    ['--dry-run', 'print what would be replayed; send nothing'],
    ['--json', 'the report as JSON on stdout instead of lines'],
  ],
  async handler(ctx, [topic], opts) {
    const selection = parseSelection(opts);
    const dlq = await ctx.dlq(topic!, 'dlq-topic');
    const print = (line: string) => !opts.json && process.stdout.write(line);
    const report = await replayDlq(ctx.kafka, { dlq, selection, dryRun: opts.dryRun, onCommitted: (batch) => batch.forEach((r) => print(replayedLine(dlq.topic, r))) });
    if (opts.dryRun) report.replayed.forEach((r) => print(replayedLine(dlq.topic, r)));
    process.stdout.write(opts.json ? `${toJson(report)}\n` : renderReplayEnd(report));
  },
};

async function dlqContext(cmd: Command): Promise<DlqContext> {
  const conn = connections(cmd);
  const { prefix } = topicsConfig(cmd);
  await checkKafka(conn.kafka);
  const kafka = createKafka(conn.kafka, 'dlq');
  const existing = async (wanted: DlqTopic[]) => {
    const admin = kafka.admin();
    await admin.connect();
    const topics = new Set(await admin.listTopics().finally(() => admin.disconnect()));
    const missing = wanted.filter((d) => !topics.has(d.topic));
    if (missing.length) throw new ConfigError(`${missing.map((d) => d.topic).join(', ')} do(es) not exist: run npx ops-pipeline topics apply, or check the prefix`, 'topics.prefix');
    return wanted;
  };
  return { prefix, conn, kafka, dlq: async (name, key) => (await existing([resolveDlqTopic(name, prefix, key)]))[0]!, all: () => existing(dlqTopics(prefix)) };
}

function addSubcommand<O>(parent: Command, spec: Subcommand<O>): void {
  const sub = parent.command(spec.name).description(spec.description);
  for (const [name, description] of spec.arguments) sub.argument(name, description);
  for (const [flags, description] of spec.options) sub.option(flags, description);
  sub.action(async (...args: unknown[]) => {
    // commander passes the arguments, then the options, then the command.
    const cmd = args.at(-1) as Command;
    const ctx = await dlqContext(cmd);
    await withKafka(ctx.conn.kafka, () => spec.handler(ctx, args.slice(0, -2) as string[], cmd.opts() as O));
  });
}

export function registerDlqCommand(program: Command): void {
  const dlq = program.command('dlq').description('inspect the dead-letter topics (<topic>.dlq) and replay their records once the cause is fixed');
  addSubcommand(dlq, list);
  addSubcommand(dlq, show);
  addSubcommand(dlq, replay);
}
