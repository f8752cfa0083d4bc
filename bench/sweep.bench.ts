import { randomBytes } from 'node:crypto';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Kafka } from 'kafkajs';
import { loadConnections } from '../core/config.ts';
import { createKafka } from '../core/kafka.ts';
import { createRegistry } from '../core/registry.ts';
import { applyTopics } from '../schemas/apply.ts';
import { RecordEncoder } from '../schemas/record-encoder.ts';
import { runRuleSet } from '../streams/backtest/run-rules.ts';
import { evidenceKeyOf } from '../streams/backtest/shared-evidence.ts';
import type { ScoringSettings } from '../streams/backtest/config.ts';
import { GridSettings, scoringOf } from '../streams/backtest/sweep/grid-file.ts';
import { expandGrid, type RuleSet } from '../streams/backtest/sweep/grid.ts';
import { readForRuleSets, runRuleSets } from '../streams/backtest/sweep/sweep.ts';
import { fillSignalsTopics, signalsInputs } from './signals-inputs.ts';
import { verdict } from './verdict.ts';

// A sweep of 100 rule sets against one plain backtest over the same topics, in the same run:
// the read and decode is paid once, the engine once per evidence key (here the 10 half-lives),
// each rule set its judgement, trades and figures.
// Target (issue #13): 100 rule sets cost at most 10x one backtest.

const CANDLES = Number(process.env.BENCH_SWEEP_CANDLES ?? 200_000);
const TICKERS = 100;
const T0 = Date.UTC(2024, 0, 2, 14, 30);

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

async function fillOnce(kafka: Kafka, registry: SchemaRegistry, prefix: string): Promise<{ news: number; candles: number }> {
  const data = signalsInputs(CANDLES, TICKERS);
  await fillSignalsTopics(kafka, new RecordEncoder(registry, prefix), data);
  return { news: data.news.length, candles: data.candles.length };
}

async function oneBacktest(range: Parameters<typeof readForRuleSets>[0], ruleSet: RuleSet, grid: GridSettings, scoring: ScoringSettings): Promise<{ readOne: number; backtest: number }> {
  const started = process.hrtime.bigint();
  const one = await readForRuleSets(range, [ruleSet], grid);
  const readOne = seconds(started);
  runRuleSet(one, ruleSet.rules, scoring);
  return { readOne, backtest: seconds(started) };
}

export default async function sweepBench(): Promise<void> {
  const conn = loadConnections({});
  const prefix = `bench-${randomBytes(4).toString('hex')}.`;
  const kafka = createKafka(conn.kafka, 'bench-sweep');
  const admin = kafka.admin();
  const registry = createRegistry(conn.registry);
  await admin.connect();
  await applyTopics(admin, registry, prefix);
  try {
    // The generated records and the one backtest's read are let go before the sweep: a user's
    // sweep holds one read, and a larger heap costs the garbage collector more.
    const filled = await fillOnce(kafka, registry, prefix);
    const minutes = Math.ceil(CANDLES / TICKERS);
    const range = { connections: conn, prefix, candleInterval: '1m' as const, from: T0 + 60 * 60_000, to: T0 + (minutes - 120) * 60_000 };
    // 10 half-lives × 10 thresholds: 100 rule sets.
    const grid = GridSettings.parse({
      rules: { halfLifeMinutes: [10, 15, 20, 25, 30, 35, 40, 45, 50, 60], buyThreshold: [0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8], cooldownMinutes: 60 },
      horizonsMinutes: [30],
    });
    const ruleSets = expandGrid(grid.rules);
    const scoring = scoringOf(grid);

    // One backtest: its own read, one rule set.
    const { readOne, backtest } = await oneBacktest(range, ruleSets[0]!, grid, scoring);

    // The sweep: one read, 100 rule sets.
    const started = process.hrtime.bigint();
    const inputs = await readForRuleSets(range, ruleSets, grid);
    const read = seconds(started);
    const rows = runRuleSets(inputs, ruleSets, grid);
    const sweep = seconds(started);
    const ratio = sweep / backtest;
    const perRuleSet = (sweep - read) / ruleSets.length;
    console.log(`  ${(filled.news + filled.candles).toLocaleString()} records (${filled.candles.toLocaleString()} candles of ${TICKERS} tickers, ${filled.news.toLocaleString()} news)`);
    console.log(`  one backtest       ${backtest.toFixed(2).padStart(8)} s   (read and decode ${readOne.toFixed(2)} s, one rule set ${(backtest - readOne).toFixed(2)} s)`);
    console.log(`  sweep of ${rows.length}      ${sweep.toFixed(2).padStart(8)} s   (read and decode ${read.toFixed(2)} s, ${perRuleSet.toFixed(3)} s a rule set)`);
    verdict({
      bench: 'sweep',
      figure: `sweep of ${rows.length} / one backtest`,
      value: ratio,
      unit: 'x',
      target: { op: '<=', bound: 10 },
      detail: `${sweep.toFixed(2)} vs ${backtest.toFixed(2)} s`,
      why: `${new Set(ruleSets.map((r) => evidenceKeyOf(r.rules))).size} engine runs (one per evidence key) and ${ruleSets.length} judgements and scorings cost ${perRuleSet.toFixed(3)} s a rule set, while the read they share costs ${read.toFixed(2)} s`,
    });
    console.log(`  RSS after it       ${Math.round(process.memoryUsage().rss / 1024 / 1024)} MiB`);
  } finally {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics({ topics: mine }).catch(() => {});
    await admin.disconnect();
  }
}
