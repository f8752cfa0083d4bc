import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDatabase } from '../../core/db.ts';
import { ServiceStartError } from '../../core/errors.ts';
import { servicePaths, VERSIONS } from './layout.ts';
import { runningPid, runToCompletion, spawnDetached, stopProcess } from './process.ts';
import type { LocalService } from './service.ts';
import { checkJava, mavenGetFile } from './tools.ts';

// A real Confluent-compatible schema registry: Apicurio Registry (Apache-2.0), whose
// runnable Quarkus archive is on Maven Central, serving the Confluent API under
// /apis/ccompat/v7. Storage is PostgreSQL by default so schema ids survive restarts
// together with Kafka's data; `mem` keeps everything in memory (tests that want a blank slate).

export type RegistryStorage = 'sql' | 'mem';

export interface SchemaRegistryOptions {
  host?: string;
  port?: number;
  storage?: RegistryStorage;
  /** PostgreSQL database for `sql` storage; created when missing. */
  databaseUrl?: string;
  heap?: string;
  /**
   * Folder name under the services home for log and pid (default `registry`). Fault tests
   * that stop and restart a registry run their own instance; the unpacked app is shared.
   */
  instance?: string;
}

export const CCOMPAT_PATH = '/apis/ccompat/v7';

export function schemaRegistry(opts: SchemaRegistryOptions = {}): LocalService {
  const o = {
    host: '127.0.0.1',
    port: 8081,
    storage: 'sql' as RegistryStorage,
    databaseUrl: 'postgres://postgres@127.0.0.1:5432/ops_pipeline_registry',
    heap: '384m',
    instance: 'registry',
    ...opts,
  };
  const paths = servicePaths(o.instance);
  const home = join(servicePaths('registry').root, `apicurio-${VERSIONS.apicurio}`);
  const runner = join(home, `apicurio-registry-app-${VERSIONS.apicurio}-runner.jar`);
  const base = `http://${o.host}:${o.port}${CCOMPAT_PATH}`;

  return {
    name: o.instance,
    address: base,
    logFile: paths.logFile,
    ports: [{ host: o.host, port: o.port }],
    startTimeoutMs: 120_000,

    async install(report) {
      if (existsSync(runner)) return;
      const artifact = `io.apicurio:apicurio-registry-app:${VERSIONS.apicurio}:tar.gz:all`;
      report(`fetching Apicurio Registry ${VERSIONS.apicurio} from Maven Central (${artifact})`);
      // `dependency:get` without transitives: the app's parent pom is not published, so the
      // goals that read its descriptor (copy, unpack) refuse the artifact.
      const archive = mavenGetFile(artifact, `Apicurio Registry ${VERSIONS.apicurio}`);
      mkdirSync(home, { recursive: true });
      const r = runToCompletion('tar', ['-xzf', archive, '-C', home]);
      if (r.status !== 0 || !existsSync(runner)) throw new ServiceStartError('registry', `could not unpack ${archive}: ${r.output.slice(-500)}`);
    },

    async start() {
      const java = checkJava();
      mkdirSync(paths.root, { recursive: true });
      const storage: string[] = [];
      if (o.storage === 'sql') {
        await ensureDatabase(o.databaseUrl).catch((err: Error) => {
          throw new ServiceStartError('registry', `PostgreSQL for registry storage: ${err.message}`);
        });
        const u = new URL(o.databaseUrl);
        storage.push(
          '-Dapicurio.storage.kind=sql',
          '-Dapicurio.storage.sql.kind=postgresql',
          `-Dapicurio.datasource.url=jdbc:postgresql://${u.host}${u.pathname}`,
          `-Dapicurio.datasource.username=${decodeURIComponent(u.username) || 'postgres'}`,
          `-Dapicurio.datasource.password=${decodeURIComponent(u.password)}`,
        );
      }
      return spawnDetached(
        java,
        [`-Xmx${o.heap}`, '-XX:+UseSerialGC', `-Dquarkus.http.host=${o.host}`, `-Dquarkus.http.port=${o.port}`, ...storage, '-jar', runner],
        { logFile: paths.logFile, pidFile: paths.pidFile, cwd: paths.root },
      );
    },

    async ready() {
      const res = await fetch(`${base}/subjects`, { signal: AbortSignal.timeout(2000) });
      return res.ok;
    },

    // Confluent's default is BACKWARD; Apicurio's global default is NONE. Every subject
    // registered here then inherits BACKWARD unless it sets its own level.
    async afterReady() {
      const res = await fetch(`${base}/config`, {
        method: 'PUT',
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify({ compatibility: 'BACKWARD' }),
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) throw new ServiceStartError('registry', `could not set global compatibility to BACKWARD: HTTP ${res.status}`);
    },

    runningPid: () => runningPid(paths.pidFile),
    stop: () => stopProcess(paths.pidFile),
  };
}
