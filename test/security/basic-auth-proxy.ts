import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portOpen, waitUntil } from '../../deploy/local/process.ts';

// HTTP basic auth in front of the real schema registry: Debian's nginx (package nginx-light,
// installed by .ci/run) as a reverse proxy with auth_basic. Apicurio 3.0.9 only does OIDC,
// and a registry with basic auth of its own (Redpanda, Confluent) cannot run here without
// Docker; the proxy makes the registry answer 401 to wrong credentials exactly as they do.

export interface BasicAuthProxy {
  /** Base URL of the proxied API (the upstream's path kept). */
  url: string;
  /** Accept this password from now on (nginx reads the user file on every request). */
  setPassword(password: string): void;
  stop(): Promise<void>;
}

const NGINX = '/usr/sbin/nginx';

export async function startBasicAuthProxy(o: { port: number; upstream: string; username: string; password: string }): Promise<BasicAuthProxy> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: apt-get install nginx-light (.ci/run does)`);
  const upstream = new URL(o.upstream);
  const dir = mkdtempSync(join(tmpdir(), 'opsp-nginx-'));
  // Workers run as `nobody` when we are root: they must reach the temp folders.
  mkdirSync(join(dir, 'tmp'));
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'tmp'), 0o777);
  const setPassword = (password: string) => {
    const hash = execFileSync('openssl', ['passwd', '-apr1', '-stdin'], { input: `${password}\n` }).toString().trim();
    writeFileSync(join(dir, 'htpasswd'), `${o.username}:${hash}\n`);
    chmodSync(join(dir, 'htpasswd'), 0o644);
  };
  setPassword(o.password);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 64; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  server {
    listen 127.0.0.1:${o.port};
    location / {
      auth_basic "schema registry";
      auth_basic_user_file ${dir}/htpasswd;
      proxy_set_header Authorization "";
      proxy_pass http://${upstream.host};
    }
  }
}
`,
  );
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const outcome = await waitUntil(() => portOpen('127.0.0.1', o.port), { timeoutMs: 15_000, pid: child.pid });
  if (outcome !== 'ready') {
    child.kill('SIGKILL');
    const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '';
    throw new Error(`nginx did not start (${outcome}): ${stderr}${log}`);
  }
  return {
    url: `http://127.0.0.1:${o.port}${upstream.pathname.replace(/\/$/, '')}`,
    setPassword,
    async stop() {
      child.kill('SIGQUIT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
