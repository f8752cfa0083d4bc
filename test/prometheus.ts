import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './bad-records.ts';
import { startProcess, waitFor, type ComponentProcess } from './chaos/component-process.ts';

// A real Prometheus (Debian's `prometheus` package) of the test's own: its config and data dir
// in a temporary folder, loopback on a free port, stopped and removed by `stop()`. Queried
// through its HTTP API, as Grafana does.

export interface Sample {
  metric: Record<string, string>;
  /** The value as Prometheus prints it: a number, NaN, +Inf. */
  value: string;
}

export interface PrometheusProcess {
  url: string;
  /** An instant query (/api/v1/query) now: the series of a vector, or one sample for a scalar. */
  query(expr: string): Promise<Sample[]>;
  /** Every rule's name, health and last error (/api/v1/rules). */
  rules(): Promise<Array<{ name: string; health: string; lastError?: string }>>;
  output(): string;
  stop(): Promise<void>;
}

/** Starts Prometheus with this config (prometheus.yml as an object); fails if it is not installed. */
export async function startPrometheus(config: Record<string, unknown>): Promise<PrometheusProcess> {
  try {
    execFileSync('prometheus', ['--version'], { stdio: 'pipe' });
  } catch {
    throw new Error('prometheus is not installed: apt-get install prometheus (.ci/run does)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'opsp-prometheus-'));
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const p: ComponentProcess = startProcess('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn']);
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error ?? res.status}`);
    return body.data;
  };
  const stop = async () => {
    await p.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('Prometheus ready', async () => (await fetch(`${url}/-/ready`)).ok, [p], 60_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${p.output().slice(-3000)}`, { cause: err });
  }
  return {
    url,
    async query(expr) {
      const data = await api<{ resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> | [number, string] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`);
      if (data.resultType === 'scalar') return [{ metric: {}, value: (data.result as [number, string])[1] }];
      return (data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((r) => ({ metric: r.metric, value: r.value[1] }));
    },
    async rules() {
      const data = await api<{ groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> }>('/api/v1/rules');
      return data.groups.flatMap((g) => g.rules.map((r) => ({ name: r.name, health: r.health, lastError: r.lastError })));
    },
    output: p.output,
    stop,
  };
}
