import { eventTimeOf } from '../../signals/inputs.ts';
import type { BacktestInputs } from '../inputs.ts';

// A window of one read (walk-forward's train and test windows): the same decoded inputs seen as a
// backtest of [from, to], without reading or decoding again. What came before `from` in the read
// is its warm-up; engine inputs after `to` are dropped, as a read of that range would have them.

export function narrowInputs(inputs: BacktestInputs, from: number, to: number): BacktestInputs {
  const readFrom = inputs.from - inputs.warmupMs;
  if (from < inputs.from || to > inputs.to || to <= from) throw new RangeError(`window ${from}..${to} is not inside the read's range ${inputs.from}..${inputs.to}`);
  // engineInputs are in event-time order: the window's end is a cut, not a filter.
  let lo = 0;
  for (let hi = inputs.engineInputs.length; lo < hi; ) {
    const mid = (lo + hi) >> 1;
    if (eventTimeOf(inputs.engineInputs[mid]!.input) <= to) lo = mid + 1;
    else hi = mid;
  }
  return { ...inputs, from, to, warmupMs: from - readFrom, engineInputs: inputs.engineInputs.slice(0, lo) };
}
