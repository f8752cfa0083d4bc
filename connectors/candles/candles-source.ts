import YahooFinance from 'yahoo-finance2';
import type { Message, Producer } from 'kafkajs';
import { sendChunked } from '../../core/chunked-send.ts';
import { AvroCodec } from '../../core/avro-codec.ts';
import { backoffMs } from '../../core/backoff.ts';
import { reportDlq, sendToDlq, type PoisonRecord } from '../../core/dlq.ts';
import { createKafka } from '../../core/kafka.ts';
import { logger } from '../../core/log.ts';
import { counter } from '../../core/metrics.ts';
import { createRegistry } from '../../core/registry.ts';
import { failedService } from '../../core/retriable.ts';
import type { Deployment, PassOutcome, SourceInstance } from '../../core/runtime/component.ts';
import { BadRecordError, ConfigError } from '../../core/errors.ts';
import { topicName } from '../../schemas/catalog.ts';
import { RecordEncoder } from '../../schemas/record-encoder.ts';
import type { Candle } from '../../schemas/records.ts';
import { chartToCandles, type ChartQuote } from './chart-to-candles.ts';
import { INTERVAL_MS } from '../../schemas/intervals.ts';
import { backfillProblem, type CandlesConfig } from './config.ts';
import { screenBars } from './screen-bars.ts';
import { lastCandleTimes, NewsTickers } from './ticker-state.ts';

// The candles source: for every ticker of the watchlist (and of classified news) it asks
// Yahoo's chart API for the bars after the last one it produced (a backfill window on the
// first pass) and produces them to market.candles, keyed by ticker.

const log = logger('candles');
const candlesProduced = counter('candles_produced_total', 'Candles produced to market.candles', ['ticker']);
const nullBarsSkipped = counter('candles_null_bars_total', 'Bars skipped because a price was null', ['ticker']);
const refusedBars = counter('candles_refused_bars_total', 'Bars refused at the source: to the DLQ, or held back for starting in the future', ['ticker', 'reason']);
const requestErrors = counter('candles_request_errors_total', 'Failed chart requests by kind', ['kind']);

export interface CandlesSourceOptions {
  /** Replaces Yahoo's HTTP (recorded responses in tests and the offline demo). */
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface TickerOutcome {
  ticker: string;
  produced: number;
  nullBars: number;
  attempts: number;
  error?: string;
  /** Bars the schema refused, sent to the candles DLQ with the reason. */
  rejected?: number;
}

export interface CandlesSummary {
  produced: number;
  outcomes: TickerOutcome[];
}

type Failure = { kind: 'rate-limit' | 'server' | 'crumb' | 'not-found' | 'invalid' | 'network'; retry: boolean };

export function classifyYahooError(err: unknown): Failure {
  const e = err as { name?: string; code?: number; message?: string };
  const msg = `${e.name ?? ''} ${e.message ?? ''}`;
  if (e.code === 429 || /too many requests/i.test(msg)) return { kind: 'rate-limit', retry: true };
  if (typeof e.code === 'number' && e.code >= 500) return { kind: 'server', retry: true };
  if (/crumb|cookie|unauthorized/i.test(msg) || e.code === 401) return { kind: 'crumb', retry: true };
  if (/not ?found|delisted|no data/i.test(msg) || e.code === 404) return { kind: 'not-found', retry: false };
  if (/validation|schema/i.test(msg)) return { kind: 'invalid', retry: false };
  return { kind: 'network', retry: true };
}

/** The source's state and its passes, which the runtime (core/runtime/source-runtime.ts) drives. */
export async function openCandlesSource(config: CandlesConfig, deployment: Deployment, opts: CandlesSourceOptions = {}): Promise<SourceInstance<CandlesSummary>> {
  const { connections, prefix, candleInterval: interval } = deployment;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const kafka = createKafka(connections.kafka, 'candles');
  const registry = createRegistry(connections.registry);
  const codec = new AvroCodec(registry);
  const encoder = new RecordEncoder(registry, prefix);
  const candlesTopic = topicName('marketCandles', prefix);
  // yahoo-finance2 3.x warns that it wants Node 22; its chart module works on Node 20 (tested).
  const yahooLog = logger('yahoo-finance2');
  const yahooLogger = {
    info: (...a: unknown[]) => yahooLog.debug(a.map(String).join(' ')),
    warn: (...a: unknown[]) => yahooLog.debug(a.map(String).join(' ')),
    error: (...a: unknown[]) => yahooLog.warn(a.map(String).join(' ')),
    debug: (...a: unknown[]) => yahooLog.debug(a.map(String).join(' ')),
    dir: (...a: unknown[]) => yahooLog.debug({ value: a[0] }, 'dir'),
  };
  const yahoo = new YahooFinance({ fetch: opts.fetch, logger: yahooLogger, suppressNotices: ['yahooSurvey', 'ripHistorical'], queue: { concurrency: config.concurrency } } as never) as unknown as {
    chart(symbol: string, q: Record<string, unknown>): Promise<{ quotes: ChartQuote[] }>;
  };
  const backfill = backfillProblem(config, interval);
  if (backfill) throw new ConfigError(backfill, 'candles.backfillDays');
  const last = await lastCandleTimes(kafka, candlesTopic, codec, config.stateTailRecords, interval);
  const newsTickers = config.includeTickersFromNews ? new NewsTickers(kafka, topicName('newsClassified', prefix), codec, config.maxNewsTickers, config.stateTailRecords) : null;
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  log.info({ known: last.size, interval }, 'last candle per ticker loaded');

  // The first failure of Kafka or the registry in a pass: the runtime then comes back after a
  // backoff, not a whole bar later, for the bars our services failed to take.
  let outage: unknown;
  /** Yahoo's bars after `after`, retried with backoff on Yahoo's own retriable failures. */
  async function fetchBars(ticker: string, after: number | null): Promise<{ quotes: ChartQuote[]; attempts: number } | { error: string; attempts: number }> {
    const period1 = after !== null ? new Date(after + 1) : new Date(now() - config.backfillDays * 86_400_000);
    const period2 = new Date(now());
    for (let attempts = 1; ; attempts++) {
      try {
        const chart = await yahoo.chart(ticker, { period1, period2, interval, includePrePost: false, return: 'array' });
        return { quotes: chart.quotes, attempts };
      } catch (err) {
        const failure = classifyYahooError(err);
        requestErrors.inc({ kind: failure.kind });
        if (!failure.retry || attempts > config.retries) {
          log.warn({ ticker, kind: failure.kind, attempts, err: (err as Error).message?.slice(0, 300) }, 'chart request failed');
          return { error: `${failure.kind}: ${(err as Error).message?.slice(0, 200)}`, attempts };
        }
        const delay = backoffMs(attempts, config.retryInitialSeconds, 120);
        log.info({ ticker, kind: failure.kind, attempt: attempts, retryInMs: delay }, 'chart request failed; retrying');
        await sleep(delay);
      }
    }
  }

  async function fetchTicker(ticker: string): Promise<TickerOutcome> {
    const after = last.get(ticker) ?? null;
    const fetched = await fetchBars(ticker, after);
    const { attempts } = fetched;
    if ('error' in fetched) return { ticker, produced: 0, nullBars: 0, attempts, error: fetched.error };
    const { candles, nullBars } = chartToCandles(ticker, interval, fetched.quotes, after);
    const { good, refused } = screenBars(candles, { interval, now: now(), maxFutureMs: config.maxFutureSeconds * 1000 });
    const early = refused.filter((r) => r.future);
    if (early.length) {
      refusedBars.inc({ ticker, reason: 'future' }, early.length);
      log.warn({ ticker, bars: early.length, reason: early[0]!.reason }, 'bars from the future held back; asked for again once they have begun');
    }
    // Producing fails for our services' reasons, never Yahoo's: asking Yahoo again would not help.
    // The bars were not produced and `last` did not move, so the next pass asks for them again.
    let poison: PoisonRecord[];
    let produced: number;
    try {
      const encoded = await encodeBars(ticker, good);
      produced = encoded.messages.length;
      poison = [...refused.filter((r) => !r.future).map((r) => barPoison(r.candle, new BadRecordError(r.reason))), ...encoded.poison];
      await sendToDlq(producer, poison);
      if (encoded.messages.length) await sendChunked(producer, candlesTopic, encoded.messages);
    } catch (err) {
      outage ??= err;
      return { ticker, produced: 0, nullBars, attempts, error: `${failedService(err)}: ${(err as Error).message?.slice(0, 200)}` };
    }
    reportDlq(log, poison);
    // The next pass asks for what follows the last bar produced or refused for good; a bar held
    // back for being early is asked for again.
    const settled = candles.filter((c) => !early.some((r) => r.candle === c));
    if (settled.length) last.set(ticker, Math.max(...settled.map((c) => c.ts)));
    candlesProduced.inc({ ticker }, produced);
    for (const r of refused) if (!r.future) refusedBars.inc({ ticker, reason: 'dlq' });
    if (nullBars) {
      nullBarsSkipped.inc({ ticker }, nullBars);
      log.info({ ticker, nullBars }, 'null bars skipped');
    }
    return { ticker, produced, nullBars, attempts, ...(poison.length ? { rejected: poison.length } : {}) };
  }

  /**
   * The bars as messages. A bar the schema refuses (say a volume beyond a long) goes to the
   * candles DLQ as JSON with the reason, instead of failing the ticker on every pass.
   */
  async function encodeBars(ticker: string, candles: Candle[]): Promise<{ messages: Message[]; poison: PoisonRecord[] }> {
    const messages: Message[] = [];
    const poison: PoisonRecord[] = [];
    for (const candle of candles) {
      try {
        messages.push(await encoder.message('marketCandles', candle));
      } catch (err) {
        if (!(err instanceof BadRecordError)) throw err;
        poison.push(barPoison(candle, err));
      }
    }
    return { messages, poison };
  }

  /** A bar refused at the source, as a candles DLQ record: JSON, from no topic (partition and offset -1). */
  function barPoison(candle: Candle, error: BadRecordError): PoisonRecord {
    return { topic: candlesTopic, partition: -1, offset: '-1', timestamp: String(candle.ts), key: Buffer.from(candle.ticker), value: Buffer.from(JSON.stringify(candle)), error, stage: 'candles' };
  }

  /** The news' tickers; while Kafka is away, the ones known so far (the pass goes on). */
  async function tickersFromNews(): Promise<string[]> {
    if (!newsTickers) return [];
    try {
      return await newsTickers.refresh();
    } catch (err) {
      // This pass asks for the tickers known so far.
      outage ??= err;
      return newsTickers.known();
    }
  }

  const summary: CandlesSummary = { produced: 0, outcomes: [] };
  const lastOutcomes = new Map<string, TickerOutcome>();

  async function pass(): Promise<PassOutcome> {
    outage = undefined;
    const tickers = [...new Set([...config.watchlist, ...(await tickersFromNews())])];
    const outcomes: TickerOutcome[] = [];
    let next = 0;
    const worker = async () => {
      while (next < tickers.length) outcomes.push(await fetchTicker(tickers[next++]!));
    };
    await Promise.all(Array.from({ length: Math.min(config.concurrency, tickers.length) }, worker));
    for (const o of outcomes) lastOutcomes.set(o.ticker, o);
    const produced = outcomes.reduce((s, o) => s + o.produced, 0);
    summary.produced += produced;
    summary.outcomes = [...lastOutcomes.values()].sort((a, b) => a.ticker.localeCompare(b.ticker));
    if (produced) log.info({ produced, tickers: outcomes.length }, `${produced} new candles (${outcomes.length} tickers polled)`);
    // Poll no faster than the bars form.
    const dueInMs = Math.max(config.pollIntervalSeconds * 1000, Math.min(INTERVAL_MS[interval], 3_600_000));
    return { dueInMs, ...(outage === undefined ? {} : { outage }) };
  }

  return {
    pass,
    summary: () => summary,
    async close() {
      await producer.disconnect().catch(() => {});
    },
  };
}
