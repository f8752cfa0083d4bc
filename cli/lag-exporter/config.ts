import { z } from 'zod';

/** Section `lagExporter` of the config file: `ops-pipeline lag-exporter`. */
export const LagExporterConfig = z
  .object({
    intervalSeconds: z
      .number()
      .min(0.5)
      .default(30)
      .describe('Seconds between two samples of the offsets; verdicts compare a sample with the one before, so this is also their window. Flag --interval.'),
  })
  .strict()
  .describe('Read by `ops-pipeline lag-exporter`: consumer-group lag, verdicts and DLQ sizes as Prometheus gauges.');
export type LagExporterConfig = z.infer<typeof LagExporterConfig>;
