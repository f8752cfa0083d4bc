import type { Kafka } from 'kafkajs';
import { AvroCodec } from '../../core/avro-codec.ts';
import type { ConnectionsConfig } from '../../core/config.ts';
import { createRegistry } from '../../core/registry.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { recordName, topicName } from '../../schemas/catalog.ts';
import type { Candle, Signal } from '../../schemas/records.ts';
import { writeConfig } from './component-process.ts';

// The paper executor's fault-test inputs: 20 tickers' one-minute bars and 300 PENDING signals
// among them. Ticker X01 has no bars from minute 100 to 139: its signals there are cancelled
// (TTL 10 min); every other signal fills at the next bar's open.

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const TICKERS = Array.from({ length: 20 }, (_, i) => `X${String(i).padStart(2, '0')}`);
const MINUTES = 400;
export const executorCandles: Candle[] = [];
for (let m = 0; m < MINUTES; m++) {
  for (const ticker of TICKERS) {
    if (ticker === 'X01' && m >= 100 && m < 140) continue;
    const open = 50 + ((m * 7 + ticker.charCodeAt(2)) % 100) / 10;
    executorCandles.push({ ticker, ts: T0 + m * MIN, interval: '1m', open, high: open + 1, low: open - 1, close: open, adjclose: null, volume: 100, source: 'chaos' });
  }
}
export const executorSignals: Signal[] = Array.from({ length: 300 }, (_, s) => ({
  signal_id: `exec-${s}`.padEnd(64, 'e'),
  ts: T0 + ((s * 7) % (MINUTES - 20)) * MIN + 30_000,
  ticker: TICKERS[s % TICKERS.length]!,
  action: s % 3 ? 'BUY' : 'SELL',
  confidence: 0.7,
  reason: '{}',
  status: 'PENDING',
  executed_at: null,
  filled_price: null,
  shares: null,
}));

/**
 * `run executor` arguments for a topic prefix. A lateness beyond the whole input: only a
 * signal's own ticker decides it, so how the partitions interleave (which differs from run to
 * run) cannot change a decision.
 */
export function executorArgs(prefix: string, extra: Record<string, unknown> = {}, tuning: Record<string, number> = {}): string[] {
  const executor = { ttlMinutes: 10, allowedLatenessMinutes: 100_000, idleExitMs: 2000, sessionTimeoutMs: 10_000, ...tuning };
  return ['--config', writeConfig({ ...extra, topics: { prefix, candleInterval: '1m' }, executor }), 'run', 'executor'];
}

/** The status updates (everything but PENDING) in a prefix's `signals`, as sorted JSON. */
export async function statusUpdates(kafka: Kafka, registry: ConnectionsConfig['registry'], prefix: string): Promise<string[]> {
  const codec = new AvroCodec(createRegistry(registry));
  const out: string[] = [];
  await readToEnd(kafka, topicName('signals', prefix), async (m) => {
    const s = await codec.decode<Signal>(m.value, recordName('signals'));
    if (s.status !== 'PENDING') out.push(JSON.stringify(s));
  });
  return out.sort();
}
