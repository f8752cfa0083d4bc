import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { checkPlainOverTls, DatabaseSslConfig, KafkaSaslConfig, KafkaSslConfig, registryAuthFields, resolveDatabaseUrl, resolveRegistryAuth, securityFromEnv } from './connection-security.ts';
import { ConfigError } from './errors.ts';
import { passwordFields } from './secrets.ts';

// Configuration comes from three places, later ones winning: an optional YAML file
// (`--config` or OPS_PIPELINE_CONFIG), environment variables, then command-line flags.
// Every section is a zod schema with documented defaults; unknown keys are errors so a
// typo never silently falls back to a default.

export const KafkaConfig = z
  .object({
    brokers: z
      .array(z.string().regex(/^[^\s:]+:\d+$/, 'expected host:port'))
      .min(1)
      .default(['127.0.0.1:9092'])
      .describe('Bootstrap brokers, host:port. Env KAFKA_BROKERS (comma-separated); flag --brokers.'),
    clientId: z.string().min(1).default('ops-pipeline').describe('Client id sent to the broker, followed by `-<component>`; shows up in broker logs and quotas.'),
    ssl: KafkaSslConfig.optional().describe('TLS to the brokers; off unless set here or by a KAFKA_SSL* env variable.'),
    sasl: KafkaSaslConfig.optional().describe('SASL authentication (SCRAM or PLAIN); none unless set here or by a KAFKA_SASL_* env variable.'),
  })
  .strict()
  .superRefine((v, ctx) => checkPlainOverTls(ctx, v))
  .describe('The Kafka brokers and how to connect to them.');

export const RegistryConfig = z
  .object({
    url: z
      .url()
      .default('http://127.0.0.1:8081/apis/ccompat/v7')
      .describe('Base URL of the Confluent-compatible schema registry API: Apicurio (the local services) serves it under /apis/ccompat/v7, Redpanda at its root. Env SCHEMA_REGISTRY_URL; flag --registry-url.'),
    ...registryAuthFields,
  })
  .strict()
  .transform((v, ctx) => resolveRegistryAuth(ctx, v))
  .describe('The schema registry holding the topics\' Avro value schemas.');

export const DatabaseConfig = z
  .object({
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
      .default('postgres://postgres@127.0.0.1:5432/ops_pipeline')
      .describe('PostgreSQL connection URL. Env DATABASE_URL; flag --database-url.'),
    ssl: DatabaseSslConfig.default({}).describe('TLS to PostgreSQL; the URL\'s own sslmode and sslrootcert work too.'),
    // Folded into the URL, so that pg, graphile-migrate and COPY all get it the same way.
    ...passwordFields('DATABASE_PASSWORD'),
  })
  .strict()
  .transform((v, ctx) => ({ url: resolveDatabaseUrl(ctx, v) }))
  .describe('The PostgreSQL database the sink writes and `migrate` creates.');

export const ConnectionsConfig = z
  .object({
    kafka: KafkaConfig.default(KafkaConfig.parse({})),
    registry: RegistryConfig.default(RegistryConfig.parse({})),
    database: DatabaseConfig.default(DatabaseConfig.parse({})),
  })
  .strict();
export type ConnectionsConfig = z.infer<typeof ConnectionsConfig>;

export interface ConfigSources {
  /** Path of a YAML config file; falls back to env OPS_PIPELINE_CONFIG. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Values from flags, as a partial config tree; they win over file and env. */
  overrides?: Record<string, unknown>;
}

type Tree = Record<string, unknown>;

function isTree(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] = isTree(prev) && isTree(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

const fileCache = new Map<string, Tree>();

function readConfigFile(path: string): Tree {
  const cached = fileCache.get(path);
  if (cached) return cached;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text) ?? {};
  } catch (err) {
    // The parser's message spans lines (a code excerpt): the first says what and where.
    throw new ConfigError(`config file ${path} is not valid YAML: ${(err as Error).message.split('\n')[0]!.replace(/:\s*$/, '')}`);
  }
  if (!isTree(parsed)) throw new ConfigError(`config file ${path} must hold a mapping at its top level`);
  fileCache.set(path, parsed);
  return parsed;
}

/** Env variables that map onto the connection sections. */
function connectionsFromEnv(env: NodeJS.ProcessEnv): Tree {
  const tree: Tree = {};
  if (env.KAFKA_BROKERS !== undefined) {
    tree.kafka = { brokers: env.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean) };
  }
  if (env.SCHEMA_REGISTRY_URL !== undefined) tree.registry = { url: env.SCHEMA_REGISTRY_URL };
  if (env.DATABASE_URL !== undefined) tree.database = { url: env.DATABASE_URL };
  return deepMerge(tree, securityFromEnv(env));
}

/** Where a connection key is usually set, so the message says what to fix. */
const SET_BY: Array<[RegExp, string]> = [
  [/^kafka\.brokers/, 'set by env KAFKA_BROKERS or --brokers, e.g. 127.0.0.1:9092,broker2:9092'],
  [/^registry\.url/, 'set by env SCHEMA_REGISTRY_URL or --registry-url, e.g. http://127.0.0.1:8081/apis/ccompat/v7'],
  [/^database\.url/, 'set by env DATABASE_URL or --database-url, e.g. postgres://user@127.0.0.1:5432/ops_pipeline'],
  [/^topics\.prefix/, 'set by --topic-prefix'],
];

function formatIssues(error: z.ZodError, prefix: string[], source: string): ConfigError {
  const first = error.issues[0]!;
  let path = [...prefix, ...first.path.map(String)];
  let message = first.message;
  if (first.code === 'unrecognized_keys') {
    path = [...path, first.keys[0]!];
    message = 'unknown key';
  }
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s))` : '';
  const key = path.join('.') || '(root)';
  const hint = SET_BY.find(([re]) => re.test(key))?.[1];
  return new ConfigError(`${message}${more}${hint ? ` (${hint}, or in the config file)` : ''} [${source}]`, key);
}

function sourceLabel(sources: ConfigSources): string {
  const file = sources.file ?? sources.env?.OPS_PIPELINE_CONFIG;
  return file ? `file ${file}, env, flags` : 'env, flags';
}

function rawTree(sources: ConfigSources): Tree {
  const env = sources.env ?? process.env;
  const file = sources.file ?? env.OPS_PIPELINE_CONFIG;
  const fromFile = file ? readConfigFile(file) : {};
  return deepMerge(deepMerge(fromFile, connectionsFromEnv(env)), sources.overrides ?? {});
}

/** The connection settings (Kafka, registry, database) every command needs. */
export function loadConnections(sources: ConfigSources = {}): ConnectionsConfig {
  const tree = rawTree(sources);
  const picked: Tree = {};
  for (const key of ['kafka', 'registry', 'database'] as const) if (key in tree) picked[key] = tree[key];
  const result = ConnectionsConfig.safeParse(picked);
  if (!result.success) throw formatIssues(result.error, [], sourceLabel(sources));
  return result.data;
}

/**
 * One component's section (e.g. `rss`, `sink`) validated against its spec.
 * Top-level keys of the file that no component knows are reported by `checkTopLevelKeys`.
 */
export function loadSection<S extends z.ZodType>(section: string, spec: S, sources: ConfigSources = {}): z.infer<S> {
  const tree = rawTree(sources);
  const result = spec.safeParse(tree[section] ?? {});
  if (!result.success) throw formatIssues(result.error, [section], sourceLabel(sources));
  return result.data;
}

/** A section of the config file that is not one of `known` (the components' registry) is a typo and stops start-up. */
export function checkTopLevelKeys(sources: ConfigSources, known: readonly string[]): void {
  const env = sources.env ?? process.env;
  const file = sources.file ?? env.OPS_PIPELINE_CONFIG;
  if (!file) return;
  for (const key of Object.keys(readConfigFile(file))) {
    if (!known.includes(key)) {
      throw new ConfigError(`unknown section in ${file} (known: ${known.join(', ')})`, key);
    }
  }
}
