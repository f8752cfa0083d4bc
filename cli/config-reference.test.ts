import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configKeys, flatConfigKeys } from '../core/config-shape.ts';
import { COMPONENTS, CONFIG_SECTIONS, sectionSpec } from './components.ts';
import { CONFIG_DOC, configurationReference } from './config-reference.ts';

describe('docs/configuration.md', () => {
  it('is what the config specs generate now', () => {
    expect(readFileSync(CONFIG_DOC, 'utf8'), 'docs/configuration.md is stale: run npx ops-pipeline config docs').toBe(configurationReference());
  });

  it('has every section, in the loader\'s order, and every key with a description', () => {
    const docs = configurationReference();
    const headings = [...docs.matchAll(/^## (\S+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual(CONFIG_SECTIONS);
    for (const section of CONFIG_SECTIONS) {
      const spec = sectionSpec(section)!;
      for (const k of flatConfigKeys(configKeys(spec), `${section}.`)) {
        expect(k.description, `${k.path} has no .describe()`).toBeTruthy();
        expect(docs).toContain(`| \`${k.path}\` |`);
      }
    }
  });

  it('names the command of each component section and its flags', () => {
    const docs = configurationReference();
    for (const def of COMPONENTS) {
      expect(docs).toContain(`(\`ops-pipeline run ${def.name}\`)`);
      for (const o of def.options ?? []) expect(docs).toContain(`- \`${o.flags}\`: ${o.description}`);
    }
  });
});
