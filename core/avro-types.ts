import avro from 'avsc';

// avsc types hardened for input we do not trust (both found by the decoder fuzz test):
// - an array or map block count is read from the wire and trusted: a few garbage bytes
//   claiming 10^8 items made avsc allocate them and crashed the process (a V8 fatal error,
//   not an exception). A count larger than the bytes left is refused.
// - JavaScript numbers carry Avro longs exactly only within ±2^52 (the zig-zag encoding
//   doubles them): avsc wrote -(2^52+1) and read back +2^52. Longs outside are refused.

/** The largest magnitude of an Avro long that survives a JavaScript round trip. */
export const MAX_EXACT_LONG = 2 ** 52;

interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  skipLong(): void;
  readString(): string;
}
type Readable = avro.Type & { _read(tap: Tap): unknown };
type Hook = (value: unknown, type: avro.Type) => void;

/** Reads the blocks of an array or map: `count` items, then the next count, until 0. */
function readBlocks(tap: Tap, itemsMayBeEmpty: boolean, readItem: () => void): void {
  let n: number;
  while ((n = tap.readLong())) {
    if (n < 0) {
      n = -n;
      tap.skipLong(); // the block's size in bytes
    }
    const left = tap.buf.length - tap.pos;
    if (!itemsMayBeEmpty && n > left) throw new Error(`a block of ${n} items with ${Math.max(0, left)} bytes left`);
    while (n--) readItem();
  }
}

class BoundedArrayType extends avro.types.ArrayType {
  _read(tap: Tap): unknown[] {
    const items = this.itemsType as Readable;
    const out: unknown[] = [];
    readBlocks(tap, items.typeName === 'null', () => out.push(items._read(tap)));
    return out;
  }
}

class BoundedMapType extends avro.types.MapType {
  _read(tap: Tap): Record<string, unknown> {
    const values = this.valuesType as Readable;
    const out: Record<string, unknown> = {};
    // An entry holds at least its key's length byte.
    readBlocks(tap, false, () => void (out[tap.readString()] = values._read(tap)));
    return out;
  }
}

const LongBase = avro.types.LongType as unknown as new () => avro.Type & {
  _read(tap: Tap): number;
  _check(value: unknown, flags: unknown, hook?: Hook): boolean;
};

class ExactLongType extends LongBase {
  override _read(tap: Tap): number {
    const n = super._read(tap);
    if (Math.abs(n) > MAX_EXACT_LONG) throw new Error(`long ${n} is outside ±2^52 and cannot be read exactly`);
    return n;
  }

  override _check(value: unknown, flags: unknown, hook?: Hook): boolean {
    const ok = super._check(value, flags) && Math.abs(value as number) <= MAX_EXACT_LONG;
    if (!ok && hook) hook(value, this);
    return ok;
  }
}

function typeHook(schema: avro.Schema, opts: avro.ForSchemaOptions): avro.Type | undefined {
  const kind = typeof schema === 'string' ? schema : (schema as { type?: unknown }).type;
  if (kind === 'long') return new ExactLongType();
  if (kind === 'array') return new BoundedArrayType(schema as never, opts);
  if (kind === 'map') return new BoundedMapType(schema as never, opts);
  return undefined;
}

/** `avro.Type.forSchema`, hardened against lying block counts and inexact longs. */
export function safeAvroType(schema: avro.Schema): avro.Type {
  return avro.Type.forSchema(schema, { typeHook });
}
