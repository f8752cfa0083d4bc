import type { Deployment, RuntimeCounts } from '../../../core/runtime/component.ts';
import { startProcessor } from '../../../core/runtime/processor-runtime.ts';
import type { ClassifySummary } from '../../classify/component.ts';
import { classifyComponent } from '../../classify/component.ts';
import type { ClassifyConfig } from '../../classify/config.ts';

// The candidate is classified by the classify processor itself, `--once`, over the scratch
// news.raw, rather than by calling the model and analyze() around it here: what is judged is
// then what `run classify --model DIR` would write — the same refusal of items without a title,
// the same model windows and runs of batchSize, the same symbols — and not a second copy of that
// code that could drift from it. The cost is a consumer group's join: seconds.

/** The scratch copy is complete before the processor starts: nothing more will arrive. */
const IDLE_EXIT_MS = 1000;

export async function classifyOnce(deployment: Deployment, config: ClassifyConfig): Promise<ClassifySummary & RuntimeCounts> {
  const running = await startProcessor(classifyComponent, { ...config, idleExitMs: IDLE_EXIT_MS }, deployment, { once: true });
  return running.done;
}
