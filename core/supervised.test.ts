import { describe, expect, it } from 'vitest';
import { ConfigError, ServiceUnreachableError } from './errors.ts';
import { logger } from './log.ts';
import { metricsRegistry } from './metrics.ts';
import { failedService, supervise, type Session } from './supervised.ts';

// The session chain's rules: a broken session is closed and a new one opened after a backoff,
// counted per service; a config error is not retried.

async function metric(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const m = (await metricsRegistry.getMetricsAsJSON()).find((x) => x.name === name);
  return (m?.values as Array<{ labels: Record<string, string>; value: number }> | undefined)?.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

function session(): Session & { closed: boolean; break(err: unknown): void } {
  let fail!: (err: unknown) => void;
  const broken = new Promise<never>((_, reject) => (fail = reject));
  broken.catch(() => {});
  const s = {
    broken,
    healthy: Promise.resolve(),
    closed: false,
    break: (err: unknown) => fail(err),
    async close() {
      s.closed = true;
    },
  };
  return s;
}

describe('supervise', () => {
  it('replaces a broken session by a new one, counting the outage until the new one is healthy', async () => {
    const opened: Array<ReturnType<typeof session>> = [];
    let opens = 0;
    const sup = supervise('test-a', logger('test'), async () => {
      if (++opens === 2) throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'KafkaJSConnectionError' });
      const s = session();
      opened.push(s);
      return s;
    });
    while (opened.length < 1) await new Promise((r) => setTimeout(r, 10));
    opened[0]!.break(Object.assign(new Error('registry down'), { name: 'ResponseError' }));
    while (opened.length < 2) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 20));
    expect(opened[0]!.closed).toBe(true);
    expect(await metric('ops_pipeline_service_retries_total', { component: 'test-a', service: 'registry' })).toBe(1);
    expect(await metric('ops_pipeline_service_retries_total', { component: 'test-a', service: 'kafka' })).toBe(1);
    expect(await metric('ops_pipeline_service_unreachable', { component: 'test-a', service: 'kafka' })).toBe(0);
    await sup.stop();
    expect(opened[1]!.closed).toBe(true);
  });

  it('does not retry a config error', async () => {
    let opens = 0;
    const sup = supervise('test-b', logger('test'), async () => {
      opens++;
      throw new ConfigError('bad key', 'signals.rules');
    });
    await expect(sup.done).rejects.toBeInstanceOf(ConfigError);
    expect(opens).toBe(1);
  });

  const named = (name: string, props: object = {}) => Object.assign(new Error('x'), { name, ...props });
  it.each([
    { what: 'the registry unreachable', err: new ServiceUnreachableError('schema registry', 'http://r'), service: 'registry' },
    { what: 'PostgreSQL unreachable', err: new ServiceUnreachableError('PostgreSQL', 'db'), service: 'postgres' },
    { what: 'a registry HTTP error', err: named('ResponseError'), service: 'registry' },
    { what: 'a kafkajs error', err: named('KafkaJSConnectionError'), service: 'kafka' },
    { what: 'a kafkajs error in a sink', err: named('KafkaJSNumberOfRetriesExceeded'), otherwise: 'postgres', service: 'kafka' },
    { what: 'a database error in a sink', err: named('error', { code: '57P01' }), otherwise: 'postgres', service: 'postgres' },
    { what: 'a registry error wrapped, in a sink', err: new Error('decode', { cause: named('ResponseError') }), otherwise: 'postgres', service: 'registry' },
    { what: 'an unnamed failure elsewhere', err: new Error('x'), service: 'kafka' },
  ])('names the failed service: $what', ({ err, otherwise, service }) => {
    expect(failedService(err, otherwise)).toBe(service);
  });
});
