import pg from 'pg';
import { ServiceStartError } from '../../core/errors.ts';
import { kafkaBroker } from './kafka-broker.ts';
import { portOpen, tailFile, waitUntil } from './process.ts';
import { schemaRegistry, type RegistryStorage } from './schema-registry.ts';
import type { LocalService } from './service.ts';

// `services up|down|status`: the real Kafka broker and schema registry on loopback, and a
// check of the machine's own PostgreSQL. Usable from the CLI, CI scripts and tests.

export interface ServicesOptions {
  only?: Array<'kafka' | 'registry'>;
  registryStorage?: RegistryStorage;
  databaseUrl?: string;
  report?: (msg: string) => void;
}

export interface ServiceState {
  name: string;
  address: string;
  state: 'up' | 'down' | 'starting';
  pid?: number;
  logFile?: string;
}

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

function localServices(opts: ServicesOptions): LocalService[] {
  const registryDb = new URL(opts.databaseUrl ?? DEFAULT_DATABASE_URL);
  registryDb.pathname = '/ops_pipeline_registry';
  const all = [kafkaBroker(), schemaRegistry({ storage: opts.registryStorage ?? 'sql', databaseUrl: registryDb.toString() })];
  return opts.only?.length ? all.filter((s) => opts.only!.includes(s.name as 'kafka' | 'registry')) : all;
}

export async function postgresAnswers(url = DEFAULT_DATABASE_URL): Promise<boolean> {
  const u = new URL(url);
  u.pathname = '/postgres';
  const client = new pg.Client({ connectionString: u.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function bringUp(service: LocalService, report: (msg: string) => void): Promise<ServiceState> {
  const running = service.runningPid();
  if (running && (await service.ready().catch(() => false))) {
    report(`${service.name}: already up at ${service.address} (pid ${running})`);
    return { name: service.name, address: service.address, state: 'up', pid: running, logFile: service.logFile };
  }
  if (!running) {
    for (const { host, port } of service.ports) {
      if (await portOpen(host, port)) {
        throw new ServiceStartError(service.name, `port ${host}:${port} is taken by another process (not one this command started); stop it, or free the port, then retry`);
      }
    }
    await service.install(report);
    report(`${service.name}: starting (log: ${service.logFile})`);
  } else {
    report(`${service.name}: process ${running} is running but not answering yet; waiting`);
  }
  const pid = running ?? (await service.start(report));
  const outcome = await waitUntil(() => service.ready(), { timeoutMs: service.startTimeoutMs, pid });
  if (outcome === 'exited') {
    throw new ServiceStartError(service.name, `exited during start-up; last lines of ${service.logFile}:\n${tailFile(service.logFile)}`);
  }
  if (outcome === 'timeout') {
    throw new ServiceStartError(
      service.name,
      `did not answer within ${service.startTimeoutMs / 1000}s (pid ${pid} still running); see ${service.logFile}:\n${tailFile(service.logFile, 10)}`,
    );
  }
  await service.afterReady?.();
  report(`${service.name}: up at ${service.address} (pid ${pid}, log: ${service.logFile})`);
  return { name: service.name, address: service.address, state: 'up', pid, logFile: service.logFile };
}

export async function servicesUp(opts: ServicesOptions = {}): Promise<ServiceState[]> {
  const report = opts.report ?? (() => {});
  const dbUrl = opts.databaseUrl ?? DEFAULT_DATABASE_URL;
  if (!(await postgresAnswers(dbUrl))) {
    throw new ServiceStartError(
      'postgres',
      `PostgreSQL does not answer at ${new URL(dbUrl).host}; start the machine's server (e.g. pg_ctlcluster <version> main start) — it is not managed by this command`,
    );
  }
  report(`postgres: up at ${new URL(dbUrl).host} (the machine's own server)`);
  const states: ServiceState[] = [];
  // One after the other: both are JVMs and start-up is CPU-bound on a small machine.
  for (const service of localServices(opts)) states.push(await bringUp(service, report));
  return states;
}

export async function servicesDown(opts: ServicesOptions = {}): Promise<Array<{ name: string; result: string }>> {
  const results = [];
  // Registry first: it is the one that talks to the others.
  for (const service of localServices(opts).reverse()) {
    const result = await service.stop();
    opts.report?.(`${service.name}: ${result}`);
    results.push({ name: service.name, result });
  }
  return results;
}

export async function servicesStatus(opts: ServicesOptions = {}): Promise<ServiceState[]> {
  const dbUrl = opts.databaseUrl ?? DEFAULT_DATABASE_URL;
  const states: ServiceState[] = [
    { name: 'postgres', address: new URL(dbUrl).host, state: (await postgresAnswers(dbUrl)) ? 'up' : 'down' },
  ];
  for (const service of localServices(opts)) {
    const pid = service.runningPid();
    const answers = await service.ready().catch(() => false);
    states.push({
      name: service.name,
      address: service.address,
      state: answers ? 'up' : pid ? 'starting' : 'down',
      pid,
      logFile: service.logFile,
    });
  }
  return states;
}
