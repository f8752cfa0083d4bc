import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ServiceStartError } from '../../core/errors.ts';
import { servicePaths } from './layout.ts';
import { runningPid, runToCompletion, spawnDetached, type RunAs } from './process.ts';
import type { LocalService } from './service.ts';
import { bringUp } from './services.ts';

// A throwaway PostgreSQL cluster for tests that must stop, kill or reconfigure a server
// (faults, TLS): its own initdb folder under the services home, its own port, trust auth
// by default, extra postgresql.conf settings and pg_hba lines. The machine's server on
// 5432 is never touched. initdb and postgres refuse to run as root, so as root they run
// as the `postgres` user, which owns the data folder.

export interface PostgresInstanceOptions {
  /** Folder name under the services home (data, config, pid); also the log's name. */
  instance: string;
  port: number;
  host?: string;
  /** postgresql.conf entries (e.g. `ssl: 'on'`, `ssl_cert_file: 'server.crt'`); applied on every start. */
  settings?: Record<string, string | number | boolean>;
  /** pg_hba.conf lines placed before the default trust lines (the first matching line wins). */
  hba?: string[];
  /** Keep the default `trust` lines for local and loopback connections (default true). */
  trust?: boolean;
  /** Files written into the data folder on every start, owned by the server's user, mode 0600 (cert, key). */
  files?: Record<string, string | Buffer>;
}

export interface PostgresInstance extends LocalService {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** Connection URL for a database of this server (user `postgres`). */
  url(database?: string): string;
  /** Installs (initdb) when needed, starts and waits until it answers; a no-op when up. */
  up(report?: (msg: string) => void): Promise<void>;
  /** SIGKILL to the postmaster and its backends at once (a crash); resolves when all are gone. */
  kill(): Promise<void>;
  /** Fast shutdown (open transactions abort), then up again. */
  restart(): Promise<void>;
  /** Stops it and deletes its folder. */
  destroy(): Promise<void>;
}

/** The newest installed server's bin folder (Debian layout: /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(root = '/usr/lib/postgresql'): string {
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!majors.length) throw new ServiceStartError('postgres', `no PostgreSQL server binaries under ${root}; install them (apt-get install postgresql)`);
  return join(root, majors[0]!, 'bin');
}

/** As root, the `postgres` system user; otherwise whoever we are. */
function serverUser(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(runToCompletion('id', [flag, 'postgres']).output.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid === 0) {
    throw new ServiceStartError('postgres', 'running as root and there is no `postgres` user for initdb and postgres to run as');
  }
  return { uid, gid };
}

function confValue(v: string | number | boolean): string {
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v === 'number') return String(v);
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

const MANAGED_CONF = 'ops-pipeline.conf';

export function postgresInstance(opts: PostgresInstanceOptions): PostgresInstance {
  const o = { host: '127.0.0.1', trust: true, settings: {}, hba: [], files: {}, ...opts };
  const paths = servicePaths(o.instance);
  const dataDir = join(paths.root, 'data');
  const owned = (path: string, user: RunAs) => user.uid !== undefined && chownSync(path, user.uid, user.gid ?? -1);

  function writeConfig(user: RunAs): void {
    const settings: Record<string, string | number | boolean> = {
      listen_addresses: o.host,
      port: o.port,
      // TCP only: no socket file to clash with the machine's server or another instance.
      unix_socket_directories: '',
      shared_buffers: '32MB',
      // Only processes are killed in tests, never the machine: the OS keeps what was written.
      fsync: false,
      ...o.settings,
    };
    const conf = join(dataDir, MANAGED_CONF);
    writeFileSync(conf, `# Written by postgres-instance.ts on every start; edits are overwritten.\n${Object.entries(settings).map(([k, v]) => `${k} = ${confValue(v)}`).join('\n')}\n`);
    const trust = o.trust ? ['host all all 127.0.0.1/32 trust', 'host all all ::1/128 trust'] : [];
    writeFileSync(join(dataDir, 'pg_hba.conf'), `# Written by postgres-instance.ts on every start.\n${[...o.hba, ...trust].join('\n')}\n`);
    for (const [name, content] of Object.entries(o.files)) {
      const file = join(dataDir, name);
      writeFileSync(file, content, { mode: 0o600 });
      owned(file, user);
    }
    for (const f of [conf, join(dataDir, 'pg_hba.conf')]) owned(f, user);
  }

  function initdb(user: RunAs, report: (msg: string) => void): void {
    report(`initdb into ${dataDir}`);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    owned(dataDir, user);
    const r = runToCompletion(join(postgresBinDir(), 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
      ...user,
      cwd: paths.root,
      timeoutMs: 120_000,
    });
    if (r.status !== 0) throw new ServiceStartError(o.instance, `initdb failed:\n${r.output.slice(-1500)}`);
    writeFileSync(join(dataDir, 'postgresql.conf'), `${readFileSync(join(dataDir, 'postgresql.conf'), 'utf8')}\ninclude '${MANAGED_CONF}'\n`);
  }

  /** The postmaster leads its own process group (spawned detached), which holds every backend. */
  async function signalGroup(signal: NodeJS.Signals, graceMs: number): Promise<boolean> {
    const pid = runningPid(paths.pidFile);
    if (pid === undefined) return false;
    const groupAlive = () => groupHasLiveMembers(pid);
    process.kill(signal === 'SIGKILL' ? -pid : pid, signal);
    const deadline = Date.now() + graceMs;
    while (groupAlive() && Date.now() < deadline) await sleep(100);
    if (groupAlive()) {
      process.kill(-pid, 'SIGKILL');
      while (groupAlive()) await sleep(100);
    }
    return true;
  }

  const service: PostgresInstance = {
    name: o.instance,
    host: o.host,
    port: o.port,
    dataDir,
    address: `${o.host}:${o.port}`,
    logFile: paths.logFile,
    ports: [{ host: o.host, port: o.port }],
    startTimeoutMs: 60_000,

    url: (database = 'postgres') => `postgres://postgres@${o.host}:${o.port}/${encodeURIComponent(database)}`,

    async install() {
      postgresBinDir();
    },

    async start(report) {
      const user = serverUser();
      mkdirSync(paths.root, { recursive: true });
      if (!existsSync(join(dataDir, 'PG_VERSION'))) initdb(user, report);
      writeConfig(user);
      return spawnDetached(join(postgresBinDir(), 'postgres'), ['-D', dataDir], { logFile: paths.logFile, pidFile: paths.pidFile, cwd: paths.root, ...user });
    },

    // Answering is enough: an instance that requires TLS or passwords refuses this plain
    // trust login with an SQLSTATE, which still proves it is up. 57P03: still starting.
    async ready() {
      const client = new pg.Client({ connectionString: service.url(), connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } catch (err) {
        return err instanceof pg.DatabaseError && err.code !== '57P03';
      } finally {
        await client.end().catch(() => {});
      }
    },

    runningPid: () => runningPid(paths.pidFile),

    // SIGINT is PostgreSQL's fast shutdown: a smart one (SIGTERM) would wait for every client.
    async stop() {
      const stopped = await signalGroup('SIGINT', 30_000);
      rmSync(paths.pidFile, { force: true });
      return stopped ? 'stopped' : 'not running';
    },

    async up(report = () => {}) {
      await bringUp(service, report);
    },

    async kill() {
      await signalGroup('SIGKILL', 0);
    },

    async restart() {
      await service.stop();
      await service.up();
    },

    async destroy() {
      await service.stop();
      rmSync(paths.root, { recursive: true, force: true });
    },
  };
  return service;
}

/** True while any process other than a zombie is in the process group `pgid`. */
function groupHasLiveMembers(pgid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name: state, ppid, pgrp.
      const [state, , pgrp] = readFileSync(`/proc/${entry}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}
