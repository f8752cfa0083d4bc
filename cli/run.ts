import type { Command } from 'commander';
import { deployment } from '../core/command-config.ts';
import { holdSignalsUntilRunning, runServingMetrics, signalledBeforeRunning } from '../core/run-until-signal.ts';
import { logger } from '../core/log.ts';
import { ONCE_OPTION } from '../core/runtime/component.ts';
import { describeSummary, startComponent } from '../core/runtime/start-component.ts';
import { componentConfig } from './component-config.ts';
import { COMPONENTS } from './components.ts';
import { configKeysHelp } from './config-help.ts';
import { preflight } from './preflight.ts';

export function registerRunCommand(program: Command): void {
  const run = program
    .command('run')
    .description('run one pipeline component; each serves Prometheus metrics on METRICS_PORT when set, and more instances of a processor share its work')
    // Config, services and topics are checked once, before any component starts.
    .hook('preAction', (_run, cmd) => {
      holdSignalsUntilRunning();
      return preflight(cmd);
    });
  for (const def of COMPONENTS) {
    const cmd = run.command(def.name).description(def.description).option(ONCE_OPTION.flags, ONCE_OPTION.description);
    for (const o of def.options ?? []) cmd.option(o.flags, o.description, o.parse as never);
    cmd.addHelpText('after', `\n${configKeysHelp(def)}`);
    cmd.action(async (opts: Record<string, unknown>, c: Command) => {
      // Stopped while loading or checking: nothing to start only to stop again.
      const signal = signalledBeforeRunning();
      if (signal) return logger('cli').info({ signal }, `${def.name} stopped before it started`);
      const running = await startComponent(def, componentConfig(def, c, opts), deployment(c), { once: opts.once === true, options: opts });
      const summary = await runServingMetrics(running);
      process.stdout.write(`${describeSummary(def, summary)}\n`);
    });
  }
}
