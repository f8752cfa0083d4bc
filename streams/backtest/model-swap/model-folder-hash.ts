import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../../core/errors.ts';

// What a model folder classifies with: the content of its three files. Not the version the
// loader reports (name@hash of model.onnx), which a folder with another label map in
// config.json shares, and not the path, which a copy changes.

export const MODEL_FILES = ['model.onnx', 'vocab.txt', 'config.json'] as const;

/** sha256 (hex) over the folder's model files, by name and content. */
export function modelFolderHash(dir: string): string {
  const hash = createHash('sha256');
  for (const file of MODEL_FILES) {
    const path = join(dir, file);
    if (!existsSync(path)) throw new ConfigError(`${dir} is not a model folder (no ${file}; it needs ${MODEL_FILES.join(', ')})`, '--model');
    hash.update(`${file} ${createHash('sha256').update(readFileSync(path)).digest('hex')}\n`);
  }
  return hash.digest('hex');
}
