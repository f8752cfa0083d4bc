import type { Candle, NewsClassified } from '../../schemas/records.ts';
import { INTERVAL_MS, type Interval } from '../../connectors/candles/config.ts';
import type { EngineInput } from './inputs.ts';

/** A decoded topic record as the engine's input; a candle of an unknown interval is refused. */
export function newsInput(n: NewsClassified): EngineInput {
  return { kind: 'news', eventUid: n.event_uid, tickers: n.tickers, label: n.sentiment_label, score: n.sentiment_score, eventTime: n.event_time };
}

export function candleInput(c: Candle): EngineInput | null {
  const intervalMs = INTERVAL_MS[c.interval as Interval];
  if (!intervalMs) return null;
  return { kind: 'candle', ticker: c.ticker, ts: c.ts, intervalMs, close: c.close, volume: c.volume };
}
