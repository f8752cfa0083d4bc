import type { Candle, NewsClassified, Signal } from '../../schemas/records.ts';
import type { Interval } from '../../schemas/intervals.ts';
import type { SignalRules } from '../signals/config.ts';
import { SignalEngine } from '../signals/engine.ts';
import { eventTimeOf, type EngineInput } from '../signals/inputs.ts';
import { candleInput, newsInput, usableInput } from '../signals/to-input.ts';

// The decisions a fresh signal engine makes for one ticker from its records up to a bar's end,
// fed in event-time order (bars before news at one time) as a backtest replays them. A news
// item counts for this ticker only, as the signals processor's by-ticker stage keys it; a
// record the live processor would have sent to a DLQ is left out, as it is there.

export function rederive(ticker: string, news: readonly NewsClassified[], candles: readonly Candle[], rules: SignalRules, candleInterval: Interval, barEnd: number): Signal[] {
  const inputs: EngineInput[] = [];
  for (const n of news) {
    if (!n.tickers.includes(ticker)) continue;
    const input = usableInput(() => ({ ...newsInput(n), tickers: [ticker] }));
    if (input && eventTimeOf(input) <= barEnd) inputs.push(input);
  }
  for (const c of candles) {
    const input = usableInput(() => candleInput(c, candleInterval));
    if (input && input.kind === 'candle' && input.ticker === ticker && eventTimeOf(input) <= barEnd) inputs.push(input);
  }
  // Stable: a revised bar read later (a higher offset) stays after the first, and replaces it.
  inputs.sort((a, b) => eventTimeOf(a) - eventTimeOf(b) || (a.kind === b.kind ? 0 : a.kind === 'candle' ? -1 : 1));
  const engine = new SignalEngine(rules);
  const signals: Signal[] = [];
  for (const i of inputs) signals.push(...engine.push(i).signals);
  signals.push(...engine.flush());
  return signals;
}
