import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMPONENTS } from '../../cli/components.ts';
import { REPO_ROOT } from '../local/layout.ts';
import { definedMetrics, metricsUsed } from '../monitoring/metric-names.ts';

// No Docker engine runs here, so the compose file is validated by docker-compose itself
// (Debian's package; `config` needs no engine) and checked against the CLI's components.

interface ComposeService {
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
}

const file = join(REPO_ROOT, 'docker-compose.yml');
const compose = parse(readFileSync(file, 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;
// Services that are not pipeline components; the lag exporter is monitoring, not a `run`.
const INFRA = ['redpanda', 'console', 'postgres', 'init', 'prometheus', 'grafana', 'lag-exporter'];

describe('docker-compose.yml', () => {
  it('is valid for docker-compose', () => {
    let version: string;
    try {
      version = execFileSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
    } catch {
      throw new Error('docker-compose is not installed: apt-get install docker-compose (.ci/run does)');
    }
    expect(version).toMatch(/\d+\.\d+/);
    expect(() => execFileSync('docker-compose', ['-f', file, 'config', '-q'], { cwd: REPO_ROOT, stdio: 'pipe' })).not.toThrow();
  });

  it('runs exactly one service per pipeline component, and no other component', () => {
    const runServices = Object.entries(services)
      .filter(([, s]) => s.command?.[0] === 'run')
      .map(([name, s]) => ({ service: name, component: s.command![1] }));
    expect(runServices.map((r) => r.component).sort()).toEqual(COMPONENTS.map((c) => c.name).sort());
    for (const r of runServices) expect(r.service).toBe(r.component);
    const unknown = Object.keys(services).filter((n) => !INFRA.includes(n) && !COMPONENTS.some((c) => c.name === n));
    expect(unknown).toEqual([]);
  });

  it('gives every long-running service a health check and a restart policy', () => {
    for (const [name, s] of Object.entries(services)) {
      if (name === 'init') continue;
      expect({ name, health: Boolean(s.healthcheck?.test?.length) && !s.healthcheck?.disable }).toEqual({ name, health: true });
      expect({ name, restart: s.restart }).toEqual({ name, restart: 'unless-stopped' });
    }
  });

  it('initialises schema and topics once, after Redpanda and PostgreSQL are healthy', () => {
    const init = services.init!;
    expect(init.entrypoint!.join(' ')).toMatch(/migrate && .*topics apply/);
    expect(init.depends_on).toEqual({ redpanda: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } });
    for (const c of COMPONENTS) expect(services[c.name]!.depends_on).toEqual({ init: { condition: 'service_completed_successfully' } });
  });

  it('pins every image and uses PostgreSQL 16', () => {
    for (const [name, s] of Object.entries(services)) {
      if (!s.image || s.image === 'ops-pipeline:local') continue;
      expect({ name, image: s.image }).toEqual({ name, image: expect.stringMatching(/:v?\d+\.\d+/) });
    }
    expect(services.postgres!.image).toMatch(/^postgres:16(\.|$)/);
  });

  it('configures the pipeline through the env variables the config loader reads', () => {
    const env = services.init!.environment!;
    for (const key of ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'DATABASE_URL']) expect(env[key]).toBeTruthy();
    const loader = readFileSync(join(REPO_ROOT, 'core', 'config.ts'), 'utf8');
    for (const key of ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'DATABASE_URL']) expect(loader).toContain(`env.${key}`);
    expect(env.SCHEMA_REGISTRY_URL).toBe('http://redpanda:8081');
  });
});

describe('monitoring', () => {
  it('Prometheus scrapes every pipeline component on its metrics port', () => {
    const prom = parse(readFileSync(join(REPO_ROOT, 'deploy', 'monitoring', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = prom.scrape_configs.find((c) => c.job_name === 'ops-pipeline')!.static_configs.flatMap((c) => c.targets);
    expect(targets.sort()).toEqual(COMPONENTS.map((c) => `${c.name}:9464`).sort());
  });

  it('runs the lag exporter, after init, and Prometheus scrapes it', () => {
    const exporter = services['lag-exporter']!;
    expect(exporter.command).toEqual(['lag-exporter']);
    expect(exporter.depends_on).toEqual({ init: { condition: 'service_completed_successfully' } });
    expect(exporter.environment?.METRICS_PORT).toBe('9464');
    expect(execFileSync(process.execPath, ['bin/ops-pipeline.js', 'lag-exporter', '--help'], { cwd: REPO_ROOT, encoding: 'utf8' })).toMatch(/--interval/);
    const prom = parse(readFileSync(join(REPO_ROOT, 'deploy', 'monitoring', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    expect(prom.scrape_configs.find((c) => c.job_name === 'lag-exporter')?.static_configs.flatMap((c) => c.targets)).toEqual(['lag-exporter:9464']);
  });

  it("mounts every rule file prometheus.yml loads beside it in Prometheus' container", () => {
    const prom = parse(readFileSync(join(REPO_ROOT, 'deploy', 'monitoring', 'prometheus.yml'), 'utf8')) as { rule_files?: string[] };
    const volumes = (services.prometheus as ComposeService & { volumes: string[] }).volumes;
    expect(prom.rule_files?.length).toBeGreaterThan(0);
    for (const f of prom.rule_files!) expect(volumes).toContain(`./deploy/monitoring/${f}:/etc/prometheus/${f}:ro`);
  });

  it('the Grafana dashboard queries only metrics the code defines', () => {
    const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy', 'monitoring', 'grafana', 'dashboards', 'ops-pipeline.json'), 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    const used = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricsUsed(t.expr))));
    const defined = definedMetrics();
    expect([...used].filter((m) => !defined.has(m))).toEqual([]);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(REPO_ROOT, 'deploy', 'docker', 'Dockerfile'), 'utf8');

  it('starts the CLI entry point that exists in the repository', () => {
    const entry = /ENTRYPOINT \["node", "([^"]+)"\]/.exec(dockerfile)?.[1];
    expect(entry).toBe('bin/ops-pipeline.js');
    expect(existsSync(join(REPO_ROOT, entry!))).toBe(true);
  });

  it('installs production dependencies only, skips the ONNX GPU download, and runs as non-root', () => {
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/ONNXRUNTIME_NODE_INSTALL=skip/);
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});
