import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatVerdict, keptVerdicts, met, type Verdict } from './verdict.ts';

// `npm run bench [name…]`: runs every bench/*.bench.ts (or the named ones) in turn. Benches
// print their own figures and ratios against baselines measured in the same run; each target's
// verdict (bench/verdict.ts) is printed again in a summary at the end.
//
// Each bench runs in a process of its own: its heap, its peak RSS and its garbage collector's
// work are its own, not those of the benches before it. A bench's process writes its verdicts to
// the file named by BENCH_VERDICTS_FILE, which the runner reads for the summary.

const here = dirname(fileURLToPath(import.meta.url));
const verdictsFile = process.env.BENCH_VERDICTS_FILE;

if (verdictsFile) {
  const file = process.argv[2]!;
  const mod = (await import(join(here, file))) as { default: () => Promise<void> };
  await mod.default();
  writeFileSync(verdictsFile, JSON.stringify(keptVerdicts()));
} else {
  const wanted = process.argv.slice(2);
  const benches = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => !wanted.length || wanted.some((w) => f.startsWith(w)))
    .sort();
  if (!benches.length) {
    console.error(`no bench matches ${wanted.join(', ')}; have: ${readdirSync(here).filter((f) => f.endsWith('.bench.ts')).join(', ')}`);
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'ops-pipeline-bench-'));
  const verdicts: Verdict[] = [];
  const failed: string[] = [];
  try {
    for (const file of benches) {
      console.log(`\n=== ${file}`);
      const out = join(dir, `${file}.json`);
      // The same node and loader (tsx) as this process, on this file, for one bench.
      const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), file], { stdio: 'inherit', env: { ...process.env, BENCH_VERDICTS_FILE: out } });
      if (child.status !== 0) {
        failed.push(file);
        console.error(`  ${file} failed (${child.signal ?? `exit code ${child.status}`})`);
        continue;
      }
      verdicts.push(...(JSON.parse(readFileSync(out, 'utf8')) as Verdict[]));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (benches.length > 1 && verdicts.length) {
    const missed = verdicts.filter((v) => met(v) === false).length;
    console.log(`\n=== summary: ${verdicts.filter((v) => v.target).length} targets, ${missed} missed`);
    for (const v of verdicts) console.log(`  ${formatVerdict(v, true)}`);
  }
  if (failed.length) {
    console.error(`\n${failed.length} bench(es) failed: ${failed.join(', ')}`);
    process.exit(1);
  }
}
