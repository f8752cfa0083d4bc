import { z } from 'zod';

/** Section `classify` of the config file. */
export const ClassifyConfig = z
  .object({
    groupId: z.string().min(1).default('ops-pipeline-classify'),
    /** Transactional id: one instance per id; run more instances with distinct ids. */
    transactionalId: z.string().min(1).default('ops-pipeline-classify'),
    /** Model folder; empty picks models/finbert when present, else the shipped compact model. */
    modelDir: z.string().default(''),
    /** Texts per model call. */
    batchSize: z.number().int().min(1).max(1024).default(32),
    /** onnxruntime threads for the model: a batch spreads over them; one short text barely does. */
    modelThreads: z.number().int().min(1).max(64).default(2),
    /** Extra company names for ticker extraction: { ticker, names[] }. */
    symbols: z.array(z.object({ ticker: z.string().regex(/^[A-Z0-9.^=-]{1,20}$/), names: z.array(z.string().min(2)).min(1) }).strict()).default([]),
    /** --once: stop after this long without new input. */
    idleExitMs: z.number().int().min(100).default(3000),
    /** Most bytes fetched per partition at once: one fetched batch is one transaction. */
    maxBytesPerPartition: z.number().int().min(1024).default(1_048_576),
    /** Consumer session timeout: how long a dead instance holds its partitions (the broker allows 6 s and up). */
    sessionTimeoutMs: z.number().int().min(6000).default(30_000),
  })
  .strict();
export type ClassifyConfig = z.infer<typeof ClassifyConfig>;
