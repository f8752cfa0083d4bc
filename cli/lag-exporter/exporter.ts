import type { ConnectionsConfig } from '../../core/config.ts';
import { createKafka } from '../../core/kafka.ts';
import { logger } from '../../core/log.ts';
import { counter, gauge } from '../../core/metrics.ts';
import { outageReporter } from '../../core/supervised.ts';
import type { Running } from '../../core/run-until-signal.ts';
import { reportBetween, sampleOffsets, type GroupSpec, type OffsetsSample } from '../status/collect.ts';
import { exportReport } from './gauges.ts';

// `ops-pipeline lag-exporter`: the `status` report, sampled every interval and served as
// Prometheus gauges, so that lag and verdicts are watched all the time and not only when
// someone runs `status`. Each sample is compared with the one before (the verdicts' window).
// A broker outage is a failed poll, reported and retried next interval: an exporter that
// exited with the broker would be gone exactly when its metrics matter.

const log = logger('lag-exporter');
const polls = counter('lag_exporter_polls_total', 'Samples of the offsets by the lag exporter, by outcome', ['outcome']);
const pollSeconds = gauge('lag_exporter_poll_seconds', 'Time the last sample and its report took, seconds (records are read for lag ages)');

export interface LagExporterOptions {
  connections: ConnectionsConfig;
  groups: GroupSpec[];
  prefix: string;
  intervalMs: number;
}

export function startLagExporter(o: LagExporterOptions): Running<void> {
  // Few retries of kafkajs' own: the next interval is the retry, and a poll that waited out a
  // minute of retries would report the outage a minute late.
  const kafka = createKafka(o.connections.kafka, 'lag-exporter', { retry: { initialRetryTime: 300, retries: 2 } });
  const outage = outageReporter('lag-exporter', log);
  let admin = kafka.admin();
  let connected = false;
  let stopping = false;
  let wake = () => {};
  for (const outcome of ['ok', 'failed']) polls.inc({ outcome }, 0);

  const done = (async () => {
    let before: OffsetsSample | undefined;
    while (!stopping) {
      const started = Date.now();
      try {
        if (!connected) {
          await admin.connect();
          connected = true;
        }
        const after = await sampleOffsets(admin, o.groups, o.prefix);
        if (before) exportReport(await reportBetween(kafka, admin, o.groups, o.prefix, before, after));
        before = after;
        polls.inc({ outcome: 'ok' });
        pollSeconds.set((Date.now() - started) / 1000);
        outage.ok();
      } catch (err) {
        polls.inc({ outcome: 'failed' });
        outage.failed(err, 'sampling the offsets failed; trying again next interval');
        // A fresh client next time, and a fresh window: a window across the outage says nothing.
        await admin.disconnect().catch(() => {});
        admin = kafka.admin();
        connected = false;
        before = undefined;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, o.intervalMs - (Date.now() - started)));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    if (connected) await admin.disconnect();
  })();

  return {
    done,
    async stop() {
      stopping = true;
      wake();
      await done.catch(() => {});
    },
  };
}
