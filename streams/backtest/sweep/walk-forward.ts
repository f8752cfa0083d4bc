// Walk-forward windows: a train window, then the test window right after it, rolled forward by
// a step (the test length unless given), so that test windows never overlap when step = test.
// Only whole windows: a range that ends inside a test window drops that window.

export interface WalkForwardWindow {
  train: { from: number; to: number };
  test: { from: number; to: number };
}

export function walkForwardWindows(from: number, to: number, o: { trainMs: number; testMs: number; stepMs?: number }): WalkForwardWindow[] {
  const step = o.stepMs ?? o.testMs;
  if (o.trainMs <= 0 || o.testMs <= 0 || step <= 0) throw new RangeError('walk-forward windows must have positive lengths');
  const out: WalkForwardWindow[] = [];
  for (let start = from; start + o.trainMs + o.testMs <= to; start += step) {
    const split = start + o.trainMs;
    out.push({ train: { from: start, to: split }, test: { from: split, to: split + o.testMs } });
  }
  return out;
}
