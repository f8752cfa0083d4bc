import type { EdgeDefinition } from '../../core/runtime/component.ts';
import { SinkConfig } from './config.ts';
import { describeSink, startSink, type SinkSummary } from './sink.ts';

export const sinkComponent: EdgeDefinition<SinkConfig, SinkSummary> = {
  kind: 'sink',
  name: 'sink',
  description: 'every topic into its PostgreSQL table',
  section: 'sink',
  config: SinkConfig,
  start: (config, d, o) => startSink({ connections: d.connections, config, prefix: d.prefix, candleInterval: d.candleInterval, once: o.once }),
  describe: describeSink,
};
