import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { z } from 'zod';

// Secrets (passwords, private keys) come from the config file, an env variable, or a file
// named by `<key>File` / env `<NAME>_FILE` (Docker and Kubernetes secrets). Once loaded they
// travel as `Secret`, which prints, logs and serialises as [redacted]: a config object that
// ends up in a log line or an error message cannot leak them.

export const REDACTED = '[redacted]';

export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The value itself: only for handing it to the client library that needs it. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}

type Ctx = z.core.$RefinementCtx;

/** Records a config problem at `path` (relative to the section); the loader names the full key. */
export function configIssue(ctx: Ctx, path: string[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

/** A file's text, or an issue naming the key and the path (never the content). */
export function readConfigText(ctx: Ctx, path: string[], file: string, what: 'secret' | 'PEM'): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    configIssue(ctx, path, `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  if (what === 'PEM' && !text.includes('-----BEGIN ')) {
    configIssue(ctx, path, `${file} is not a PEM file`);
    return undefined;
  }
  // A secret file written by `echo` ends in a newline that is not part of the secret.
  if (what === 'secret') text = text.replace(/\r?\n$/, '');
  if (!text) {
    configIssue(ctx, path, `${file} is empty`);
    return undefined;
  }
  return text;
}

/** `password` and `passwordFile` (one of them, at most), set by env `<env>` and `<env>_FILE`. */
export function passwordFields(env: string) {
  return {
    password: z.string().min(1).optional().describe(`The password itself; prefer passwordFile or the env variable to writing it in a file you commit. Env ${env}.`),
    passwordFile: z.string().min(1).optional().describe(`A file holding the password (a trailing newline is dropped); not together with password. Env ${env}_FILE.`),
  };
}

export function resolvePassword(ctx: Ctx, v: { password?: string; passwordFile?: string }): Secret | undefined {
  if (v.password !== undefined && v.passwordFile !== undefined) {
    configIssue(ctx, ['passwordFile'], 'set password or passwordFile, not both');
    return undefined;
  }
  if (v.passwordFile !== undefined) {
    const text = readConfigText(ctx, ['passwordFile'], v.passwordFile, 'secret');
    return text === undefined ? undefined : new Secret(text);
  }
  return v.password === undefined ? undefined : new Secret(v.password);
}

/**
 * Env variables of one secret: NAME gives the value, NAME_FILE a file holding it. Setting both
 * is left to the schema to refuse, with the key named. Empty means unset (Compose passes
 * `${NAME:-}` through as an empty string).
 */
export function passwordFromEnv(env: NodeJS.ProcessEnv, name: string): { password?: string; passwordFile?: string } {
  const out: { password?: string; passwordFile?: string } = {};
  if (env[name]) out.password = env[name];
  if (env[`${name}_FILE`]) out.passwordFile = env[`${name}_FILE`];
  return out;
}
