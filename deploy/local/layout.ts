import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../../core/repo-root.ts';

// Where the local services live on disk: jars, data, logs and pid files under one
// folder (default `.services/` in the checkout), so `rm -rf .services` is a full reset.

export { REPO_ROOT };
export const POM = join(REPO_ROOT, 'deploy', 'local', 'pom.xml');

export function servicesHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.OPS_PIPELINE_SERVICES_DIR ?? join(REPO_ROOT, '.services'));
}

export interface ServicePaths {
  root: string;
  logFile: string;
  pidFile: string;
}

export function servicePaths(name: string, home = servicesHome()): ServicePaths {
  const root = join(home, name);
  return { root, logFile: join(home, 'logs', `${name}.log`), pidFile: join(root, `${name}.pid`) };
}

/** Kafka's jars, shared by every broker instance. */
export function kafkaLibs(home = servicesHome()): string {
  return join(home, 'kafka', `libs-${VERSIONS.kafka}`);
}

/** Versions fetched from Maven Central; the pom's properties are set from these. */
export const VERSIONS = {
  // Newest Kafka 4.x on Maven Central when written.
  kafka: '4.4.0',
  log4j: '2.24.3',
  // 3.0.9 is the newest Apicurio Registry app archive on Maven Central that runs on Java 17
  // (3.1.x archives are not published there; 3.2+ needs Java 21).
  apicurio: '3.0.9',
} as const;
