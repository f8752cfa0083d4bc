import { z } from 'zod';
import { groupFields } from '../../core/runtime/processor-fields.ts';

/** Section `classify` of the config file. */
export const ClassifyConfig = z
  .object({
    ...groupFields('classify', { maxBytesPerPartition: 1_048_576 }),
    /** Model folder; empty picks models/finbert when present, else the shipped compact model. */
    modelDir: z.string().default(''),
    /** Texts per model call. */
    batchSize: z.number().int().min(1).max(1024).default(32),
    /** onnxruntime threads for the model: a batch spreads over them; one short text barely does. */
    modelThreads: z.number().int().min(1).max(64).default(2),
    /** Extra company names for ticker extraction: { ticker, names[] }. */
    symbols: z.array(z.object({ ticker: z.string().regex(/^[A-Z0-9.^=-]{1,20}$/), names: z.array(z.string().min(2)).min(1) }).strict()).default([]),
  })
  .strict();
export type ClassifyConfig = z.infer<typeof ClassifyConfig>;
