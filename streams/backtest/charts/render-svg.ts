import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

// Vega numbers the ids of clip paths and gradients with counters shared by the whole process:
// each render restarts them, and renders run one at a time, so that a chart's SVG does not
// depend on what else was drawn before or at the same time.
let previous: Promise<unknown> = Promise.resolve();

/** A Vega-Lite spec drawn headless (no DOM, no canvas) to an SVG string. */
export function renderSvg(spec: TopLevelSpec): Promise<string> {
  const run = previous.then(() => draw(spec));
  previous = run.catch(() => undefined);
  return run;
}

async function draw(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    await view.runAsync();
    vega.resetSVGDefIds();
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
