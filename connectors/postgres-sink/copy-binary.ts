import type { PgType } from './pg-type.ts';

// PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html):
// a signature, then per row a field count and each field as a length and its bytes in the
// type's binary send format. Cheaper than COPY text on both sides: no escaping or decimal
// rendering here, no parsing of numbers and times in the server.

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** PostgreSQL's epoch, 2000-01-01 UTC, in Unix milliseconds. */
const PG_EPOCH_MS = 946_684_800_000;
const TEXT_OID = 25;
const JSONB_VERSION = 1;
const TWO_32 = 2 ** 32;

/** Encodes rows into binary COPY chunks; `finish` returns the last chunk with the trailer. */
export class BinaryCopyEncoder {
  private buf: Buffer;
  private at = 0;
  private started = false;

  constructor(private readonly chunkBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  /** Appends one row; `values[i]` is of `types[i]`, null or undefined for NULL. */
  row(types: readonly PgType[], values: readonly unknown[]): void {
    this.header();
    this.ensure(2);
    this.buf.writeInt16BE(types.length, this.at);
    this.at += 2;
    for (let i = 0; i < types.length; i++) this.field(types[i]!, values[i]);
  }

  /** The bytes written since the last take, or null if there are none. */
  take(): Buffer | null {
    if (this.at === 0) return null;
    const out = Buffer.from(this.buf.subarray(0, this.at));
    this.at = 0;
    return out;
  }

  /** The trailer (and the header, for a stream of no rows) after what `take` has not yet returned. */
  finish(): Buffer {
    this.header();
    this.ensure(2);
    this.buf.writeInt16BE(-1, this.at);
    this.at += 2;
    return this.take()!;
  }

  /** Bytes in hand: the caller takes a chunk once this passes its size. */
  get pending(): number {
    return this.at;
  }

  private header(): void {
    if (this.started) return;
    this.ensure(SIGNATURE.length + 8);
    this.at += SIGNATURE.copy(this.buf, this.at);
    this.int32(0); // flags
    this.int32(0); // header extension length
    this.started = true;
  }

  private field(type: PgType, v: unknown): void {
    if (v === null || v === undefined) return this.int32(-1);
    switch (type) {
      case 'timestamptz':
        this.int32(8);
        return this.int64(((v as number) - PG_EPOCH_MS) * 1000);
      case 'int8':
        this.int32(8);
        return this.int64(v as number);
      case 'float8':
        this.int32(8);
        this.ensure(8);
        this.buf.writeDoubleBE(v as number, this.at);
        this.at += 8;
        return;
      case 'text':
        return this.text(String(v), null);
      case 'jsonb':
        return this.text(String(v), JSONB_VERSION);
      case 'text[]':
        return this.textArray(v as readonly string[]);
    }
  }

  /** A length-prefixed UTF-8 string, after a one-byte prefix (jsonb's version) if given. */
  private text(s: string, prefix: number | null): void {
    this.ensure(4 + 1 + s.length * 3);
    const lengthAt = this.at;
    this.at += 4;
    if (prefix !== null) this.buf[this.at++] = prefix;
    this.at += this.buf.write(s, this.at, 'utf8');
    this.buf.writeInt32BE(this.at - lengthAt - 4, lengthAt);
  }

  /** array_send of a one-dimensional text[] without NULLs. */
  private textArray(items: readonly string[]): void {
    this.ensure(4 + 20);
    const lengthAt = this.at;
    this.at += 4;
    this.int32(items.length ? 1 : 0); // dimensions
    this.int32(0); // has NULLs
    this.int32(TEXT_OID);
    if (items.length) {
      this.int32(items.length);
      this.int32(1); // lower bound
    }
    for (const s of items) this.text(s, null);
    this.buf.writeInt32BE(this.at - lengthAt - 4, lengthAt);
  }

  private int32(n: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(n, this.at);
    this.at += 4;
  }

  /** A signed 64-bit integer from a double holding an integer below 2^53. */
  private int64(n: number): void {
    this.ensure(8);
    const hi = Math.floor(n / TWO_32);
    this.buf.writeInt32BE(hi, this.at);
    this.buf.writeUInt32BE(n - hi * TWO_32, this.at + 4);
    this.at += 8;
  }

  /** Room for `bytes` more; grows the buffer (never moves written bytes out of order). */
  private ensure(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes, this.chunkBytes));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }
}
