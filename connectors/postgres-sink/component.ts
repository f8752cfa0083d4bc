import type { ConnectionsConfig } from '../../core/config.ts';
import type { Running, SinkDefinition } from '../../core/runtime/component.ts';
import { startSink } from '../../core/runtime/sink-runtime.ts';
import { topicName, type TopicId } from '../../schemas/catalog.ts';
import type { Interval } from '../../schemas/intervals.ts';
import { SinkConfig } from './config.ts';
import { describeSink, openSink, type SinkSummary } from './sink.ts';

export const sinkComponent: SinkDefinition<SinkConfig, SinkSummary> = {
  kind: 'sink',
  name: 'sink',
  description: 'every topic into its PostgreSQL table',
  section: 'sink',
  config: SinkConfig,
  writesTo: 'postgres',
  topics: (config, d) => config.topics.map((id) => topicName(id as TopicId, d.prefix)),
  open: openSink,
  describe: describeSink,
};

/** The sink in this process (the demo, replay, tests), as `run sink` starts it. */
export function startPostgresSink(o: { connections: ConnectionsConfig; config: SinkConfig; prefix: string; candleInterval: Interval; once?: boolean }): Promise<Running<SinkSummary>> {
  return startSink(sinkComponent, o.config, { connections: o.connections, prefix: o.prefix, candleInterval: o.candleInterval }, { once: o.once });
}
