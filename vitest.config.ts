import { defineConfig } from 'vitest/config';

// Three projects: `unit` is pure logic (no services); `integration` talks to the real
// Kafka broker, schema registry and PostgreSQL started by `ops-pipeline services up`;
// `chaos` proves the guarantees under faults, bad input and load against the same real
// services (plus instances of its own that it may kill or restart).
export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          // Projects run one after another (unit, then integration, then chaos): by default they
          // would run at once and race for the 2 cores, the broker and the database.
          sequence: { groupOrder: 0 },
          include: ['**/*.test.ts'],
          exclude: ['**/*.it.test.ts', '**/*.chaos.test.ts', 'node_modules/**', '.services/**'],
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['**/*.it.test.ts'],
          exclude: ['node_modules/**', '.services/**'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One broker, one registry, one database server: files run one at a time so
          // that tests do not race for topics, consumer groups or CPU on a 2-core machine.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'chaos',
          sequence: { groupOrder: 2 },
          include: ['**/*.chaos.test.ts'],
          exclude: ['node_modules/**', '.services/**'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
