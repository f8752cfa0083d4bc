import type { Command } from 'commander';
import { configSources, connections, topicSettings } from '../../../core/command-config.ts';
import { loadSection } from '../../../core/config.ts';
import { rootLogger } from '../../../core/log.ts';
import { TopicsConfig } from '../../../schemas/catalog.ts';
import { ClassifyConfig } from '../../classify/config.ts';
import { runModelSwap, type ModelSwapOptions } from './model-swap.ts';

// `backtest --model DIR`: the backtest command's settings, plus what a model swap needs from
// the config file — the deployment's topics and its classify section (symbols, batch size,
// threads), so that the candidate is classified as `run classify --model DIR` would.

export type ModelSwapSettings = Pick<ModelSwapOptions, 'modelDir' | 'from' | 'to' | 'settings' | 'outDir'>;

export async function modelSwapAction(cmd: Command, s: ModelSwapSettings): Promise<void> {
  // The classify run inside is a step of this command, which prints its own summary: its info
  // logs would only interleave. Warnings and errors still show; LOG_LEVEL set by the user wins.
  if (!process.env.LOG_LEVEL) rootLogger.level = 'warn';
  const sources = configSources(cmd);
  const r = await runModelSwap({
    connections: connections(cmd),
    ...topicSettings(loadSection('topics', TopicsConfig, sources)),
    classify: loadSection('classify', ClassifyConfig, sources),
    progress: process.stderr.isTTY,
    ...s,
  });
  process.stdout.write(
    `backtest --model: ${r.labels.changed.length} of ${r.labels.compared} labels changed, ${r.signals.added.length} signals added, ${r.signals.removed.length} removed; ` +
      `wrote ${s.outDir}/model-swap.md, live/, candidate/ (scratch topics ${r.scratchPrefix}*)\n`,
  );
}
