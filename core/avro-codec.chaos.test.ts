import avro from 'avsc';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordName, TOPIC_IDS, topicName, valueSchema, valueSubject, type TopicId } from '../schemas/catalog.ts';
import { RecordEncoder } from '../schemas/record-encoder.ts';
import { deleteSubjects, testConnections, uniquePrefix } from '../test/kafka.ts';
import { frame } from '../test/bad-records.ts';
import { AvroCodec } from './avro-codec.ts';
import { MAX_EXACT_LONG, safeAvroType } from './avro-types.ts';
import { BadRecordError } from './errors.ts';
import { createRegistry } from './registry.ts';

// Fuzzing the record decoders with fast-check (fixed seed, bounded runs: deterministic).
// Whatever bytes arrive, AvroCodec.decode returns a record valid for its schema or throws
// BadRecordError — never another exception, never a hang — and every valid record of every
// topic schema round-trips. The schemas are registered in the real registry under a prefix
// of this file's own.

const conn = testConnections();
const registry = createRegistry(conn.registry);
const prefix = uniquePrefix('fuzz');
const RUNS = { seed: 20261125, numRuns: 300 };
const types = new Map(TOPIC_IDS.map((id) => [id, safeAvroType(valueSchema(id) as avro.Schema)]));
const ids = new Map<TopicId, number>();
let codec: AvroCodec;

/**
 * A fast-check arbitrary of the values of an avsc type (seeded, unlike `Type.random()`).
 * Longs span every safe integer with `anyLong`, else the ±2^52 JavaScript carries exactly.
 */
function arbitraryOf(type: avro.Type, anyLong = false): fc.Arbitrary<unknown> {
  if (type instanceof avro.types.RecordType) {
    return fc.record(Object.fromEntries(type.fields.map((f) => [f.name, arbitraryOf(f.type, anyLong)])));
  }
  if (type instanceof avro.types.UnwrappedUnionType) return fc.oneof(...type.types.map((t) => arbitraryOf(t, anyLong)));
  if (type instanceof avro.types.ArrayType) return fc.array(arbitraryOf(type.itemsType, anyLong), { maxLength: 5 });
  switch (type.typeName) {
    case 'null':
      return fc.constant(null);
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 40 });
    case 'long':
      return anyLong ? fc.maxSafeInteger() : fc.integer({ min: -MAX_EXACT_LONG, max: MAX_EXACT_LONG });
    case 'int':
      return fc.integer();
    case 'double':
      return fc.double();
    case 'boolean':
      return fc.boolean();
    default:
      throw new Error(`no arbitrary for Avro type ${type.typeName}: extend the fuzz test`);
  }
}

/** Decodes, and says which of the two allowed outcomes happened. */
async function outcome(buffer: Buffer, id: TopicId): Promise<'record' | 'bad-record'> {
  try {
    const record = await codec.decode(buffer, recordName(id));
    expect(types.get(id)!.isValid(record)).toBe(true);
    return 'record';
  } catch (err) {
    if (err instanceof BadRecordError) return 'bad-record';
    throw err;
  }
}

const topicIdArb = fc.constantFrom(...TOPIC_IDS);

beforeAll(async () => {
  for (const id of TOPIC_IDS) ids.set(id, await registry.registerVersion(valueSubject(topicName(id, prefix)), JSON.stringify(valueSchema(id))));
  codec = new AvroCodec(registry);
});

afterAll(async () => {
  await deleteSubjects(conn.registry.url, prefix);
});

describe('Avro decoders under random input', () => {
  it('random bytes: a record or BadRecordError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), topicIdArb, async (bytes, id) => {
        await outcome(Buffer.from(bytes), id);
      }),
      RUNS,
    );
  });

  it('random bodies behind a real schema id (and unknown ids): a record or BadRecordError', async () => {
    const knownOrNot = fc.oneof(fc.constantFrom(...ids.values()), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
    await fc.assert(
      fc.asyncProperty(knownOrNot, fc.uint8Array({ maxLength: 300 }), topicIdArb, async (schemaId, body, id) => {
        await outcome(frame(schemaId, Buffer.from(body)), id);
      }),
      RUNS,
    );
  });

  for (const id of TOPIC_IDS) {
    it(`${id}: valid random records round-trip through the encoder and the codec; longs beyond ±2^52 are refused`, async () => {
      const encoder = new RecordEncoder(registry, prefix);
      await fc.assert(
        fc.asyncProperty(arbitraryOf(types.get(id)!, true), async (record) => {
          if (!types.get(id)!.isValid(record)) {
            await expect(encoder.message(id, record as never)).rejects.toThrow(BadRecordError);
            return;
          }
          const message = await encoder.message(id, record as never);
          expect(await codec.decode(message.value as Buffer, recordName(id))).toEqual(record);
        }),
        RUNS,
      );
    });

    it(`${id}: mutated encodings (flipped, cut, inserted, appended bytes) give a record or BadRecordError`, async () => {
      const encoder = new RecordEncoder(registry, prefix);
      const mutation = fc.oneof(
        fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
        fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
        fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
      );
      await fc.assert(
        fc.asyncProperty(arbitraryOf(types.get(id)!), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (record, mutations) => {
          let bytes = (await encoder.message(id, record as never)).value as Buffer;
          for (const m of mutations) {
            const at = 5 + (m.at % Math.max(1, bytes.length - 5));
            if (m.kind === 'flip') bytes = Buffer.from(bytes.map((b, i) => (i === at ? b ^ m.xor : b)));
            else if (m.kind === 'cut') bytes = bytes.subarray(0, at);
            else bytes = Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
          }
          await outcome(bytes, id);
        }),
        RUNS,
      );
    });

    it(`${id}: a record of another topic's schema is refused as BadRecordError`, async () => {
      const encoder = new RecordEncoder(registry, prefix);
      const others = TOPIC_IDS.filter((o) => o !== id);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...others).chain((o) => fc.tuple(fc.constant(o), arbitraryOf(types.get(o)!))), async ([other, record]) => {
          const message = await encoder.message(other, record as never);
          await expect(codec.decode(message.value as Buffer, recordName(id))).rejects.toThrow(/another subject's schema/);
        }),
        { ...RUNS, numRuns: 30 },
      );
    });

    it(`${id}: the encoder refuses a record with a field of the wrong type as BadRecordError`, async () => {
      const encoder = new RecordEncoder(registry, prefix);
      const fields = (types.get(id) as avro.types.RecordType).fields.map((f) => f.name);
      await fc.assert(
        fc.asyncProperty(arbitraryOf(types.get(id)!), fc.constantFrom(...fields), fc.anything(), async (record, field, value) => {
          const broken = { ...(record as object), [field]: value };
          try {
            const message = await encoder.message(id, broken as never);
            // Accepted only when the value happens to fit the field's type.
            expect(types.get(id)!.isValid(broken)).toBe(true);
            expect(await codec.decode(message.value as Buffer, recordName(id))).toEqual(broken);
          } catch (err) {
            if (!(err instanceof BadRecordError)) throw err;
          }
        }),
        RUNS,
      );
    });
  }
});
