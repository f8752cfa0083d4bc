import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { configSources } from '../../core/command-config.ts';
import { loadSection } from '../../core/config.ts';
import { analyze } from './analyze.ts';
import { ClassifyConfig } from './config.ts';
import { loadSentimentModel } from './model/sentiment-model.ts';
import { TickerExtractor } from './tickers/extract-tickers.ts';
import { loadSymbolDirectory } from './tickers/symbol-directory.ts';

function modelDir(flag: string | undefined, config: ClassifyConfig): string | undefined {
  return flag ?? (config.modelDir || undefined);
}

/** `ops-pipeline classify`: one text per line on stdin, one JSON line per text on stdout. */
export function registerClassifyCommand(program: Command): void {
  program
    .command('classify')
    .description('classify texts from stdin (one per line): prints {"label","score","tickers","event_type","urgency"} per line')
    .option('--model <dir>', 'model folder (default: models/finbert when present, else models/compact-finsent)')
    .option('--batch-size <n>', 'texts per model call', (v) => Number(v))
    .action(async (opts: { model?: string; batchSize?: number }, cmd: Command) => {
      const config = loadSection('classify', ClassifyConfig, configSources(cmd));
      const model = await loadSentimentModel(modelDir(opts.model, config), { threads: config.modelThreads });
      const tickers = new TickerExtractor(loadSymbolDirectory(config.symbols));
      const size = opts.batchSize ?? config.batchSize;
      let pending: string[] = [];
      const flush = async () => {
        const results = await model.classify(pending);
        pending.forEach((text, i) => {
          const a = analyze({ title: text, summary: null }, tickers);
          process.stdout.write(`${JSON.stringify({ label: results[i]!.label, score: Math.round(results[i]!.score * 1e4) / 1e4, tickers: a.tickers, event_type: a.eventType, urgency: a.urgency })}\n`);
        });
        pending = [];
      };
      for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
        pending.push(line);
        if (pending.length >= size) await flush();
      }
      if (pending.length) await flush();
      await model.close();
    });
}
