import { createServer, type Server } from 'node:http';
import { isMainThread } from 'node:worker_threads';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import { logger } from './log.ts';

// One Prometheus registry per thread. Components declare their metrics with the helpers
// below so names share the `ops_pipeline_` prefix and a `component` label. A process that runs
// stream threads (core/runtime/stream-threads.ts) serves them all as one: each thread's
// registry is a source, summed per series. The process metrics (CPU, memory) are the main
// thread's alone: they describe the whole process, and summed they would count it twice.
export const metricsRegistry = new Registry();
if (isMainThread) collectDefaultMetrics({ register: metricsRegistry, prefix: 'ops_pipeline_process_' });

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];
const threadSources = new Set<() => Promise<MetricsJson>>();

/** Adds a stream thread's registry to what this process serves; returns its removal. */
export function addMetricsSource(source: () => Promise<MetricsJson>): () => void {
  threadSources.add(source);
  return () => threadSources.delete(source);
}

/** Every thread's metrics, summed per series: what /metrics serves. */
export async function processMetrics(): Promise<Registry> {
  if (!threadSources.size) return metricsRegistry;
  const all = await Promise.all([metricsRegistry.getMetricsAsJSON(), ...[...threadSources].map((s) => s().catch(() => [] as MetricsJson))]);
  return AggregatorRegistry.aggregate(all);
}

const PREFIX = 'ops_pipeline_';

function existing<T>(name: string): T | undefined {
  return metricsRegistry.getSingleMetric(PREFIX + name) as T | undefined;
}

export function counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
  return existing<Counter<L>>(name) ?? new Counter({ name: PREFIX + name, help, labelNames, registers: [metricsRegistry] });
}

export function gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
  return existing<Gauge<L>>(name) ?? new Gauge({ name: PREFIX + name, help, labelNames, registers: [metricsRegistry] });
}

/**
 * Buckets of the pipeline's latency histograms (seconds): fine around a second, where the
 * live targets are (docs/benchmarks.md, end-to-end latency), up to 10 s.
 */
export const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 2, 2.5, 3, 5, 10];

export function histogram<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
  buckets: number[] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
): Histogram<L> {
  return existing<Histogram<L>>(name) ?? new Histogram({ name: PREFIX + name, help, labelNames, buckets, registers: [metricsRegistry] });
}

/**
 * Serves /metrics (and /healthz) when METRICS_PORT (or the given port) is set; 0 or unset
 * serves nothing, so one-shot commands and tests do not bind ports.
 */
export async function serveMetrics(port = Number(process.env.METRICS_PORT ?? 0)): Promise<Server | undefined> {
  if (!port) return undefined;
  const server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    processMetrics()
      .then((registry) => registry.metrics())
      .then((body) => res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(body))
      .catch((err: Error) => res.writeHead(500).end(err.message));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', resolve);
  });
  logger('metrics').info({ port }, 'serving Prometheus metrics on /metrics');
  return server;
}

// Outages of the services a component depends on (PostgreSQL, Kafka, the registry): each
// failed attempt that will be retried counts, and a gauge is 1 while the service is away,
// so a dashboard shows both that the component is waiting and that it came back.
const serviceRetries = counter('service_retries_total', 'Failed attempts to use a service that are retried with backoff', ['component', 'service']);
const serviceUnreachable = gauge('service_unreachable', '1 while the component cannot use the service, else 0', ['component', 'service']);

/** Records one failed attempt (`ok` false) or a success after which the service is back. */
export function reportServiceAttempt(component: string, service: string, ok: boolean): void {
  if (!ok) serviceRetries.inc({ component, service });
  serviceUnreachable.set({ component, service }, ok ? 0 : 1);
}
