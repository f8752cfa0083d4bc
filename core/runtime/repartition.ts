import type { Stage } from './component.ts';
import type { InputRecord } from './input-record.ts';

/**
 * A stage that rekeys records into an internal topic (Kafka Streams' repartition): each record of
 * `from` is written to `to` once per key `keysOf` gives, keyed by it, so records of one key meet
 * in one partition of `to`, co-partitioned with the other inputs a join reads. The runtime adds
 * the upstream task to every record and writes the progress markers its readers wait on.
 */
export function repartition<V, C = never, R = never>(o: { name: string; from: string; to: string; keysOf: (value: V) => readonly string[] }): Stage<InputRecord<V>, C, R> {
  return {
    name: o.name,
    inputs: [o.from],
    outputs: [o.to],
    repartitionTo: o.to,
    task: () => ({
      process(records, out) {
        for (const r of records) for (const key of new Set(o.keysOf(r.value))) out.send(o.to, r.value, { key });
      },
    }),
  };
}
