import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../local/layout.ts';
import { definedMetrics, metricsUsed } from './metric-names.ts';

// The alert rules through promtool, Prometheus' own tool (Debian's package): they parse,
// prometheus.yml loads them, and the cases of alerts.test.yml pass. Every alert must have a
// case where it fires and one where it does not, and name only metrics the code exports.

const DIR = join(REPO_ROOT, 'deploy', 'monitoring');
const rules = parse(readFileSync(join(DIR, 'alerts.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
const cases = parse(readFileSync(join(DIR, 'alerts.test.yml'), 'utf8')) as { tests: Array<{ alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }> }> };
const alerts = rules.groups.flatMap((g) => g.rules);

function promtool(...args: string[]): string {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'pipe' });
  } catch {
    throw new Error('promtool is not installed: apt-get install prometheus (.ci/run does)');
  }
  try {
    return execFileSync('promtool', args, { cwd: DIR, encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
  }
}

describe('alert rules', () => {
  it('are valid, and prometheus.yml loads them', () => {
    expect(promtool('check', 'rules', 'alerts.yml')).toMatch(/SUCCESS: \d+ rules found/);
    expect(promtool('check', 'config', 'prometheus.yml')).toMatch(/SUCCESS: 1 rule files found/);
  });

  it("pass promtool's unit tests (alerts.test.yml)", () => {
    expect(promtool('test', 'rules', 'alerts.test.yml')).toMatch(/SUCCESS/);
  });

  it('each alert has a case that fires it and one that does not', () => {
    const checks = cases.tests.flatMap((t) => t.alert_rule_test);
    const coverage = alerts.map((a) => ({
      alert: a.alert,
      fires: checks.some((c) => c.alertname === a.alert && c.exp_alerts.length > 0),
      quiet: checks.some((c) => c.alertname === a.alert && c.exp_alerts.length === 0),
    }));
    expect(coverage).toEqual(alerts.map((a) => ({ alert: a.alert, fires: true, quiet: true })));
  });

  it('use only metrics the code defines', () => {
    const defined = definedMetrics();
    const unknown = alerts.flatMap((a) => metricsUsed(a.expr).filter((m) => !defined.has(m)).map((m) => `${a.alert}: ${m}`));
    expect(unknown).toEqual([]);
  });
});
