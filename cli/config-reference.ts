import { join } from 'node:path';
import type { z } from 'zod';
import { configKeys, descriptionOf, flatConfigKeys, type ConfigKey } from '../core/config-shape.ts';
import { ONCE_OPTION, type ComponentDefinition } from '../core/runtime/component.ts';
import { REPO_ROOT } from '../deploy/local/layout.ts';
import { BacktestSettings } from '../streams/backtest/config.ts';
import { COMMAND_SECTIONS, COMPONENTS, CONFIG_SECTIONS, SHARED_SECTIONS } from './components.ts';

// docs/configuration.md, generated from the zod specs the loader validates with, so the
// reference cannot drift from what a config file may hold. `npx ops-pipeline config docs`
// writes it; a test fails when it is stale.

export const CONFIG_DOC = join(REPO_ROOT, 'docs', 'configuration.md');

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function defaultCell(k: ConfigKey): string {
  if (k.required) return 'required';
  if (k.default === undefined) return 'none';
  return k.keys ? '' : `\`${cell(JSON.stringify(k.default))}\``;
}

function descriptionCell(k: ConfigKey): string {
  const values = k.values ? `${k.description ? ' ' : ''}One of ${k.values.map((v) => `\`${v}\``).join(', ')}.` : '';
  return cell(`${k.description ?? ''}${values}`);
}

function keyTable(spec: z.ZodType, prefix: string): string[] {
  const rows = flatConfigKeys(configKeys(spec), prefix).map((k) => `| \`${k.path}\` | ${defaultCell(k)} | ${descriptionCell(k)} |`);
  return ['| key | default | description |', '|---|---|---|', ...rows];
}

function sharedSection(section: string, spec: z.ZodType): string[] {
  return [`## ${section}`, '', descriptionOf(spec) ?? '', '', ...keyTable(spec, `${section}.`)];
}

function componentSection(def: ComponentDefinition): string[] {
  const command = `ops-pipeline run ${def.name}`;
  const flags = [ONCE_OPTION, ...(def.options ?? [])].map((o) => `- \`${o.flags}\`: ${o.description}`);
  return [
    `## ${def.section}`,
    '',
    `Read by component \`${def.name}\` (\`${command}\`), a ${def.kind}: ${def.description}.`,
    '',
    `Flags of \`${command}\`:`,
    '',
    ...flags,
    '',
    ...keyTable(def.config, `${def.section}.`),
  ];
}

function sectionOf(section: string): string[] {
  const shared = SHARED_SECTIONS[section] ?? COMMAND_SECTIONS[section];
  if (shared) return sharedSection(section, shared);
  const def = COMPONENTS.find((c) => c.section === section);
  if (!def) throw new Error(`config section ${section} has neither a shared spec nor a component`);
  return componentSection(def);
}

export function configurationReference(): string {
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated from the config specs by `npx ops-pipeline config docs` (cli/config-reference.ts); do not edit by hand. -->',
    '',
    'Every command reads its configuration from, later ones winning: an optional YAML file (`--config FILE` or env `OPS_PIPELINE_CONFIG`), ' +
      'environment variables, then command-line flags. Each top-level key of the file is one of the sections below; ' +
      'an unknown section or key, or a bad value, stops start-up with one message naming the key. ' +
      '`ops-pipeline run <component> --help` lists its section too.',
    '',
    'A dotted key is a path in the file: `signals.rules.halfLifeMinutes` is',
    '',
    '```yaml',
    'signals:',
    '  rules:',
    '    halfLifeMinutes: 120',
    '```',
    '',
    'Sections:',
    '',
    ...CONFIG_SECTIONS.map((s) => {
      const def = COMPONENTS.find((c) => c.section === s);
      return `- [${s}](#${s.toLowerCase()})${def ? `: \`ops-pipeline run ${def.name}\`` : ''}`;
    }),
    '- [Backtest settings](#backtest-settings): a file of its own, `ops-pipeline backtest --settings FILE`',
    '',
    ...CONFIG_SECTIONS.flatMap((s) => [...sectionOf(s), '']),
    '## Backtest settings',
    '',
    'The file `ops-pipeline backtest --settings FILE` reads; it is not a section of the config file.',
    '',
    ...keyTable(BacktestSettings, ''),
  ];
  return `${lines.join('\n')}\n`;
}
