import { randomBytes } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { loadConnections, type ConnectionsConfig } from '../core/config.ts';
import { createKafka } from '../core/kafka.ts';
import { createRegistry } from '../core/registry.ts';
import { startProcessor } from '../core/runtime/processor-runtime.ts';
import { applyTopics } from '../schemas/apply.ts';
import { RecordEncoder } from '../schemas/record-encoder.ts';
import { signalsComponent } from '../streams/signals/component.ts';
import { SignalsConfig } from '../streams/signals/config.ts';
import { verdict } from './verdict.ts';
import { fillSignalsTopics, signalsInputs } from './signals-inputs.ts';

// How long a restarted signals instance takes to be ready (state restored from its changelogs,
// caught up), at two history lengths: restart cost must follow the state's size, not the
// history's. The baseline, measured in the same run, is the first run over the same history:
// what a restart would cost if it rebuilt its state by replaying the inputs.
// Target: ready in at most 2 s at 1.1 M inputs, and about the same at twice that.

const CANDLES = Number(process.env.BENCH_RESTART_CANDLES ?? 1_000_000);
const TICKERS = 100;
const IDLE_MS = 500;
const TARGET_SECONDS = 2;

/** One `--once` run: seconds from start to done, without the idle wait that ends it. */
async function runOnce(conn: ConnectionsConfig, prefix: string): Promise<{ seconds: number; inputs: number }> {
  const rules = { halfLifeMinutes: 30, buyThreshold: 1.2, sellThreshold: 1.2, cooldownMinutes: 60 };
  const started = process.hrtime.bigint();
  const p = await startProcessor(signalsComponent, SignalsConfig.parse({ idleExitMs: IDLE_MS, rules }), { connections: conn, prefix, candleInterval: '1m' }, { once: true });
  const summary = await p.done;
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9 - IDLE_MS / 1000, inputs: summary.inputs };
}

async function changelogRecords(admin: Admin, prefix: string): Promise<number> {
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix) && t.endsWith('-changelog'));
  let n = 0;
  for (const t of topics) for (const o of await admin.fetchTopicOffsets(t)) n += Number(o.high) - Number(o.low);
  return n;
}

export default async function restartBench(): Promise<void> {
  const conn = loadConnections({});
  const kafka = createKafka(conn.kafka, 'bench-restart');
  const admin = kafka.admin();
  await admin.connect();
  const prefixes: string[] = [];
  try {
    const rows: Array<{ inputs: number; first: number; restart: number; changelog: number }> = [];
    for (const candles of [CANDLES, 2 * CANDLES]) {
      const prefix = `bench-restart-${randomBytes(4).toString('hex')}.`;
      prefixes.push(prefix);
      await applyTopics(admin, createRegistry(conn.registry), prefix);
      const inputs = await fillSignalsTopics(kafka, new RecordEncoder(createRegistry(conn.registry), prefix), signalsInputs(candles, TICKERS));
      const first = await runOnce(conn, prefix);
      const restart = await runOnce(conn, prefix);
      if (restart.inputs !== 0) throw new Error(`the restarted instance read ${restart.inputs} inputs again: its offsets were not where the first run committed`);
      rows.push({ inputs, first: first.seconds, restart: restart.seconds, changelog: await changelogRecords(admin, prefix) });
    }
    const [h, h2] = rows as [(typeof rows)[0], (typeof rows)[0]];
    for (const r of rows) {
      console.log(`  ${r.inputs.toLocaleString().padStart(10)} inputs: first run ${r.first.toFixed(1).padStart(6)} s (the history replayed), restart ready in ${r.restart.toFixed(2)} s, changelogs ${r.changelog.toLocaleString()} records`);
    }
    console.log(`  restart at 2x history / 1x    ${(h2.restart / h.restart).toFixed(2)}x   (replaying the history: ${(h2.first / h.first).toFixed(2)}x)`);
    console.log(`  restart / replay at 1x         ${(h.restart / h.first).toFixed(3)}x`);
    verdict({ bench: 'restart', figure: `restart ready at ${h.inputs.toLocaleString('en')} inputs`, value: h.restart, unit: 's', target: { op: '<=', bound: TARGET_SECONDS }, detail: `the history replayed took ${h.first.toFixed(1)} s` });
    verdict({ bench: 'restart', figure: 'restart at 2x history / 1x', value: h2.restart / h.restart, unit: 'x', target: { op: '<=', bound: 1.5 }, detail: `${h2.restart.toFixed(2)} vs ${h.restart.toFixed(2)} s; changelogs ${h2.changelog.toLocaleString('en')} vs ${h.changelog.toLocaleString('en')} records` });
  } finally {
    for (const prefix of prefixes) {
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      await admin.deleteTopics({ topics: mine }).catch(() => {});
    }
    await admin.disconnect();
  }
}
