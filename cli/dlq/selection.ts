import { ConfigError } from '../../core/errors.ts';
import type { DlqRecord } from './dlq-records.ts';
import { reasonKey } from './reason.ts';

// Which DLQ records a command means: one position (`dlq show`), or for `dlq replay` an offset
// range, a reason, or all of them.

export interface Position {
  partition: number;
  offset: bigint;
}

/** `<partition>:<offset>`, or `<offset>` in partition 0 (a DLQ has one partition). */
export function parsePosition(text: string, key: string): Position {
  const m = /^(?:(\d+):)?(\d+)$/.exec(text.trim());
  if (!m) throw new ConfigError(`expected <partition>:<offset> or <offset>, e.g. 0:42, not ${JSON.stringify(text)}`, key);
  return { partition: Number(m[1] ?? 0), offset: BigInt(m[2]!) };
}

export interface OffsetRange {
  partition: number;
  from: bigint;
  /** Inclusive. */
  to: bigint;
}

/** `[<partition>:]<from>[-<to>]`, both ends inclusive: `3-7`, `0:12`, `0:3-7`. */
export function parseOffsetRange(text: string, key = '--offset'): OffsetRange {
  const m = /^(?:(\d+):)?(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m) throw new ConfigError(`expected [<partition>:]<from>[-<to>], e.g. 3-7 or 0:12, not ${JSON.stringify(text)}`, key);
  const from = BigInt(m[2]!);
  const to = m[3] === undefined ? from : BigInt(m[3]);
  if (to < from) throw new ConfigError(`the range ${text} ends before it starts`, key);
  return { partition: Number(m[1] ?? 0), from, to };
}

export interface Selection {
  offsets?: OffsetRange;
  reason?: RegExp;
  all?: boolean;
}

/** Exactly what the user chose: --all alone, or --offset and/or --reason (both must match). */
export function parseSelection(o: { offset?: string; reason?: string; all?: boolean }): Selection {
  if (o.all && (o.offset !== undefined || o.reason !== undefined)) throw new ConfigError('--all replays every record; leave out --offset and --reason, or --all', '--all');
  if (!o.all && o.offset === undefined && o.reason === undefined) throw new ConfigError('say which records: --offset <a-b>, --reason <regex> or --all', 'dlq replay');
  let reason: RegExp | undefined;
  if (o.reason !== undefined) {
    try {
      reason = new RegExp(o.reason);
    } catch (err) {
      throw new ConfigError((err as Error).message, '--reason');
    }
  }
  return { all: o.all, reason, offsets: o.offset === undefined ? undefined : parseOffsetRange(o.offset) };
}

/**
 * The reason matches the record's class and message as `dlq show` prints them
 * (`BadRecordError: schema id 17 …`), or its group as `dlq list` prints it (numbers masked).
 */
export function selects(s: Selection, r: DlqRecord): boolean {
  if (s.all) return true;
  if (s.offsets) {
    const offset = BigInt(r.offset);
    if (r.partition !== s.offsets.partition || offset < s.offsets.from || offset > s.offsets.to) return false;
  }
  if (s.reason && !s.reason.test(`${r.dlq.errorClass}: ${r.dlq.errorMessage}`) && !s.reason.test(reasonKey(r.dlq))) return false;
  return true;
}
