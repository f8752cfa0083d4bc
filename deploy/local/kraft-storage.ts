import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceStartError } from '../../core/errors.ts';
import { runToCompletion } from './process.ts';

// A KRaft broker's storage: the cluster id it is formatted with, kept in the instance's folder so
// a retried start reuses it, and Kafka's own StorageTool that formats the data folder.

/** The file under an instance's folder that holds its cluster id. */
export const clusterIdFile = (root: string): string => join(root, 'cluster-id');

/** A new cluster id: 16 random bytes in URL-safe base64 (22 characters), as Kafka's Uuid prints them. */
export const newClusterId = (): string => randomBytes(16).toString('base64url');

/** The instance's cluster id, made on first use. */
export function clusterIdOf(root: string): string {
  const file = clusterIdFile(root);
  if (!existsSync(file)) writeFileSync(file, newClusterId());
  return readFileSync(file, 'utf8').trim();
}

export interface StorageFormat {
  java: string;
  /** Kafka's jars, e.g. `<libs>/*`. */
  classpath: string;
  /** The broker's server.properties (log.dirs names the folder formatted). */
  configFile: string;
  clusterId: string;
  log4jFile?: string;
  /** Extra arguments, e.g. `--add-scram` credentials. */
  formatArgs?: string[];
}

export function formatStorage(f: StorageFormat): void {
  const args = [
    '-cp',
    f.classpath,
    ...(f.log4jFile ? [`-Dlog4j2.configurationFile=${f.log4jFile}`] : []),
    'kafka.tools.StorageTool',
    'format',
    '--standalone',
    // One argument with `=`: as `-t <id>`, an id that starts with `-` (1 in 64 of them) is read
    // as an option and the format fails ("argument --cluster-id/-t: expected one argument").
    `--cluster-id=${f.clusterId}`,
    '-c',
    f.configFile,
    '--ignore-formatted',
    ...(f.formatArgs ?? []),
  ];
  const r = runToCompletion(f.java, args, { timeoutMs: 120_000 });
  if (r.status !== 0) throw new ServiceStartError('kafka', `storage format failed:\n${r.output.slice(-1500)}`);
}
