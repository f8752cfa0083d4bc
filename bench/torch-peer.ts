import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Runs bench/peers/torch_classify.py (Debian's python3-torch, OpenBLAS) on the classify bench's
// headlines and parses the one line it prints. Undefined, with the reason, when python3 or
// torch is not installed; an error when the peer itself fails.

const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'peers', 'torch_classify.py');

export interface TorchPeerResult {
  torch: string;
  threads: number;
  n: number;
  rounds: number;
  mean_tokens: number;
  /** Tokens a headline after padding each batch to its longest, in input order and sorted. */
  padded_tokens_unsorted: number;
  padded_tokens_sorted: number;
  /** Headlines/s, batches of 32 in input order padded to their longest (a Hugging Face pipeline). */
  unsorted_per_s: number;
  /** Headlines/s, the same batches after sorting the headlines by length. */
  sorted_per_s: number;
  /** Share of headlines whose label equals the ONNX session's. */
  agreement_unsorted: number;
  agreement_sorted: number;
  gemm_shape: [number, number, number];
  /** Float GEMM of gemm_shape through torch.mm (OpenBLAS) at the same threads, GFLOP/s. */
  gemm_gflops: number;
}

export function torchMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON}: ${probe.error.message}`;
  if (probe.status !== 0) return probe.stderr.trim().split('\n').pop();
  return undefined;
}

export async function runTorchPeer(texts: readonly string[], onnxLabels: readonly string[], o: { rounds: number; threads: number; batch: number }): Promise<TorchPeerResult> {
  const dir = mkdtempSync(join(tmpdir(), 'classify-peer-'));
  try {
    const input = join(dir, 'input.json');
    writeFileSync(input, JSON.stringify({ texts, labels: onnxLabels, rounds: o.rounds, threads: o.threads, batch: o.batch }));
    const child = spawn(PYTHON, [SCRIPT, input], {
      env: { ...process.env, OPENBLAS_NUM_THREADS: String(o.threads), OMP_NUM_THREADS: String(o.threads) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    const line = out.split('\n').find((l) => l.startsWith('TORCH_PEER '));
    const parsed = line ? (JSON.parse(line.slice('TORCH_PEER '.length)) as TorchPeerResult & { error?: string }) : undefined;
    if (code !== 0 || !parsed || parsed.error) throw new Error(`torch peer failed (exit ${code}): ${parsed?.error ?? err.trim().split('\n').slice(-3).join(' | ')}`);
    return parsed;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
