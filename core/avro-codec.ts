import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import { safeAvroType } from './avro-types.ts';
import { BadRecordError } from './errors.ts';

// Confluent wire format (magic byte 0, 4-byte schema id, Avro body) with avsc types cached
// by schema id: one registry lookup per schema, then plain avsc decoding on the hot path.
// A reader names the record it expects (the Avro full name of its topic's schema): a value
// framed with a valid id of another subject's schema is then a bad record, not a wrong row.

const MAGIC = 0;

/** The registry holds the id, but not as an Avro schema avsc can read (JSON Schema, Protobuf). */
class NotAvroSchemaError extends Error {}

export class AvroCodec {
  private readonly types = new Map<number, Promise<avro.Type>>();
  /** Types already resolved: the hot path decodes without awaiting anything. */
  private readonly ready = new Map<number, avro.Type>();

  constructor(private readonly registry: SchemaRegistry) {}

  private type(schemaId: number): Promise<avro.Type> {
    let type = this.types.get(schemaId);
    if (!type) {
      type = this.registry.getSchema(schemaId).then((schema) => {
        let t: avro.Type;
        try {
          // The library gives its own avsc type for an Avro schema; ours is rebuilt from its
          // canonical schema with the hardened types (core/avro-types.ts).
          const schemaOf = (schema as { schema?: () => avro.Schema }).schema;
          if (typeof schemaOf !== 'function') throw new Error(`the registry's schema for this id is not Avro`);
          t = safeAvroType(schemaOf.call(schema));
        } catch (err) {
          throw new NotAvroSchemaError((err as Error).message);
        }
        this.ready.set(schemaId, t);
        return t;
      });
      // A failed lookup (unknown id, registry down) must not stay cached.
      type.catch(() => this.types.delete(schemaId));
      this.types.set(schemaId, type);
    }
    return type;
  }

  /**
   * Decodes one value; a record that is not valid wire-format Avro, or (with `expected`, an
   * Avro full name) is written with another record schema, throws BadRecordError.
   */
  async decode<T>(buffer: Buffer | null, expected?: string): Promise<T> {
    const schemaId = this.schemaIdOf(buffer);
    const known = this.ready.get(schemaId);
    return known ? this.decodeWith<T>(known, schemaId, buffer!, expected) : this.decodeSlow<T>(schemaId, buffer!, expected);
  }

  /** Synchronous decode when the schema is already known, else undefined (call `decode`). */
  decodeIfKnown<T>(buffer: Buffer | null, expected?: string): T | undefined {
    const schemaId = this.schemaIdOf(buffer);
    const known = this.ready.get(schemaId);
    return known ? this.decodeWith<T>(known, schemaId, buffer!, expected) : undefined;
  }

  private schemaIdOf(buffer: Buffer | null): number {
    if (!buffer || buffer.length < 5) throw new BadRecordError(`value too short for the Confluent wire format (${buffer?.length ?? 0} bytes)`);
    if (buffer[0] !== MAGIC) throw new BadRecordError(`unknown magic byte ${buffer[0]} (not Confluent wire format)`);
    return buffer.readInt32BE(1);
  }

  private decodeWith<T>(type: avro.Type, schemaId: number, buffer: Buffer, expected?: string): T {
    if (expected !== undefined && type.name !== expected) {
      throw new BadRecordError(`schema id ${schemaId} is ${type.name ?? `a ${type.typeName}`}, not ${expected} (another subject's schema)`);
    }
    try {
      return type.fromBuffer(buffer.subarray(5)) as T;
    } catch (err) {
      throw new BadRecordError(`Avro body does not match schema ${schemaId}: ${(err as Error).message}`, undefined, { cause: err });
    }
  }

  private async decodeSlow<T>(schemaId: number, buffer: Buffer, expected?: string): Promise<T> {
    let type: avro.Type;
    try {
      type = await this.type(schemaId);
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status === 404 || /not found/i.test(String((err as Error).message))) {
        throw new BadRecordError(`schema id ${schemaId} is not in the registry`, undefined, { cause: err });
      }
      if (err instanceof NotAvroSchemaError) throw new BadRecordError(`schema id ${schemaId} is not a usable Avro schema: ${err.message}`, undefined, { cause: err });
      throw err; // the registry itself failed: not the record's fault
    }
    return this.decodeWith<T>(type, schemaId, buffer, expected);
  }

  /** Encodes with a known schema id; validation errors name the bad field. */
  async encode(schemaId: number, value: unknown): Promise<Buffer> {
    const type = await this.type(schemaId);
    const paths: string[] = [];
    if (!type.isValid(value, { errorHook: (path) => paths.push(path.join('.')) })) {
      throw new BadRecordError(`record does not match schema ${schemaId}; bad field(s): ${paths.join(', ')}`);
    }
    const body = type.toBuffer(value);
    const out = Buffer.allocUnsafe(5 + body.length);
    out[0] = MAGIC;
    out.writeInt32BE(schemaId, 1);
    body.copy(out, 5);
    return out;
  }
}
