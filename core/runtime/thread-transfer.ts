import { Secret } from '../secrets.ts';

// What crosses to a stream thread is structured-cloned, which keeps plain data but not a
// class's private fields: a Secret (a password, a key) would arrive empty. It crosses tagged
// and is made a Secret again on the other side.

const SECRET_TAG = '__opsPipelineSecret';

/** A copy of `value` that survives a structured clone, Secrets included. */
export function toThread(value: unknown): unknown {
  if (value instanceof Secret) return { [SECRET_TAG]: value.reveal() };
  if (Array.isArray(value)) return value.map(toThread);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toThread(v)]));
  return value;
}

/** `toThread`'s inverse, in the thread that received the clone. */
export function fromThread(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromThread);
  if (isPlainObject(value)) {
    if (typeof value[SECRET_TAG] === 'string' && Object.keys(value).length === 1) return new Secret(value[SECRET_TAG]);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromThread(v)]));
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The summary of a component run as several threads: counts add up; anything else (a name, a
 * flag) is the first thread's. What one process reports is what its threads did together.
 */
export function sumSummaries<S>(summaries: readonly S[]): S {
  const [first, ...rest] = summaries;
  return rest.reduce((acc, s) => addUp(acc, s) as S, first as S);
}

function addUp(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (isPlainObject(a) && isPlainObject(b)) {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in a ? addUp(a[k], v) : v;
    return out;
  }
  return a;
}
