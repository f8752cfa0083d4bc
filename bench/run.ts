import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatVerdict, keptVerdicts, met } from './verdict.ts';

// `npm run bench [name…]`: runs every bench/*.bench.ts (or the named ones) in turn. Benches
// print their own figures and ratios against baselines measured in the same run; each target's
// verdict (bench/verdict.ts) is printed again in a summary at the end.

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !wanted.length || wanted.some((w) => f.startsWith(w)))
  .sort();

if (!benches.length) {
  console.error(`no bench matches ${wanted.join(', ')}; have: ${readdirSync(here).filter((f) => f.endsWith('.bench.ts')).join(', ')}`);
  process.exit(2);
}
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const mod = (await import(join(here, file))) as { default: () => Promise<void> };
  await mod.default();
}

const verdicts = keptVerdicts();
if (benches.length > 1 && verdicts.length) {
  const missed = verdicts.filter((v) => met(v) === false).length;
  console.log(`\n=== summary: ${verdicts.filter((v) => v.target).length} targets, ${missed} missed`);
  for (const v of verdicts) console.log(`  ${formatVerdict(v, true)}`);
}
