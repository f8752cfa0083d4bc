import { z } from 'zod';
import { groupFields } from '../../core/runtime/processor-fields.ts';

/** Texts per model run, unless `classify.batchSize` says otherwise. */
export const DEFAULT_BATCH_SIZE = 16;

/** Section `classify` of the config file. */
export const ClassifyConfig = z
  .object({
    ...groupFields('classify', { maxBytesPerPartition: 1_048_576 }),
    modelDir: z
      .string()
      .default('')
      .describe('Model folder (model.onnx, vocab.txt, config.json); empty picks models/finbert when present, else the shipped compact model. Flag --model.'),
    batchSize: z.number().int().min(1).max(1024).default(DEFAULT_BATCH_SIZE).describe('Texts per model run: headlines are sorted by length into runs of this size. 16 runs as fast as 32 on two cores and takes half the memory for activations (about 40 MiB less).'),
    modelThreads: z.number().int().min(1).max(64).default(2).describe('onnxruntime threads for the model: a batch spreads over them; one short text barely does.'),
    symbols: z
      .array(z.object({ ticker: z.string().regex(/^[A-Z0-9.^=-]{1,20}$/), names: z.array(z.string().min(2)).min(1) }).strict())
      .default([])
      .describe('Company names for ticker extraction beside the shipped symbol directory: a list of { ticker, names }.'),
  })
  .strict();
export type ClassifyConfig = z.infer<typeof ClassifyConfig>;
