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
// BadRecordError — never another exception, never a hang — with the reason for what is wrong
// with the bytes (an oracle of this file's own, asking the registry over REST), and every valid
// record of every topic schema round-trips. The schemas are registered in the real registry
// under a prefix of this file's own.

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

/** What the registry holds under a schema id, asked over its REST API (not through the codec). */
const held = new Map<number, Promise<{ avro: boolean; name?: string } | undefined>>();
function heldUnder(schemaId: number): Promise<{ avro: boolean; name?: string } | undefined> {
  let found = held.get(schemaId);
  if (!found) {
    found = (async () => {
      const res = await fetch(`${conn.registry.url}/schemas/ids/${schemaId}`);
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`the registry answered HTTP ${res.status} for schema id ${schemaId}`);
      const body = (await res.json()) as { schema: string; schemaType?: string };
      if ((body.schemaType ?? 'AVRO') !== 'AVRO') return { avro: false };
      const schema = JSON.parse(body.schema) as { type?: string; name?: string; namespace?: string } | string;
      if (typeof schema !== 'object' || schema.type !== 'record' || !schema.name) return { avro: true };
      return { avro: true, name: schema.name.includes('.') || !schema.namespace ? schema.name : `${schema.namespace}.${schema.name}` };
    })();
    held.set(schemaId, found);
  }
  return found;
}

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const bodyMismatch = (schemaId: number) => new RegExp(`^Avro body does not match schema ${schemaId}: `);

/** How bytes read as a record of `id` may fail: the reason, and whether the frame is sound (only the body can be wrong). */
interface Verdict {
  reason: RegExp;
  frameSound: boolean;
}

async function verdictOf(buffer: Buffer, id: TopicId): Promise<Verdict> {
  const bad = (reason: RegExp) => ({ reason, frameSound: false });
  if (buffer.length < 5) return bad(new RegExp(`^value too short for the Confluent wire format \\(${buffer.length} bytes\\)$`));
  if (buffer[0] !== 0) return bad(new RegExp(`^unknown magic byte ${buffer[0]} \\(not Confluent wire format\\)$`));
  const schemaId = buffer.readInt32BE(1);
  const schema = await heldUnder(schemaId);
  if (!schema) return bad(new RegExp(`^schema id ${schemaId} is not in the registry$`));
  if (!schema.avro) return bad(new RegExp(`^schema id ${schemaId} is not a usable Avro schema`));
  if (schema.name !== recordName(id)) return bad(new RegExp(`^schema id ${schemaId} is .+, not ${escaped(recordName(id))} \\(another subject's schema\\)$`));
  return { reason: bodyMismatch(schemaId), frameSound: true };
}

/**
 * Decodes, and says which of the two allowed outcomes happened: a record valid for its schema
 * (only from a sound frame), or BadRecordError whose message gives the reason `verdict` expects.
 */
async function outcome(buffer: Buffer, id: TopicId, verdict: () => Promise<Verdict> = () => verdictOf(buffer, id)): Promise<'record' | 'bad-record'> {
  let record: unknown;
  try {
    record = await codec.decode(buffer, recordName(id));
  } catch (err) {
    if (!(err instanceof BadRecordError)) throw err;
    expect(err.message).toMatch((await verdict()).reason);
    return 'bad-record';
  }
  expect(types.get(id)!.isValid(record)).toBe(true);
  expect((await verdict()).frameSound).toBe(true);
  return 'record';
}

/** The fields an encoder's refusal names, once each (an array's item, `tickers.2`, is its field). */
function namedFields(err: unknown): string[] | undefined {
  const paths = /^record does not match schema \d+; bad field\(s\): (.+)$/.exec((err as Error).message)?.[1];
  return paths === undefined ? undefined : [...new Set(paths.split(', ').map((p) => p.split('.')[0]!))];
}

/** The fields of a topic's record that hold a long (alone or in a union), in schema order. */
function longFields(id: TopicId): string[] {
  const isLong = (t: avro.Type): boolean => t.typeName === 'long' || (t instanceof avro.types.UnwrappedUnionType && t.types.some(isLong));
  return (types.get(id) as avro.types.RecordType).fields.filter((f) => isLong(f.type)).map((f) => f.name);
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
            // The only invalid values generated are longs beyond ±2^52 (no schema has an array of longs).
            const inexact = longFields(id).filter((f) => Math.abs((record as Record<string, unknown>)[f] as number) > MAX_EXACT_LONG);
            const err = await encoder.message(id, record as never).catch((e: unknown) => e);
            expect(err).toBeInstanceOf(BadRecordError);
            expect(namedFields(err)).toEqual(inexact);
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
          // The frame (magic byte and schema id) is untouched: only the body can be wrong.
          await outcome(bytes, id, async () => ({ reason: bodyMismatch(ids.get(id)!), frameSound: true }));
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
          const reason = `schema id ${ids.get(other)} is ${recordName(other)}, not ${recordName(id)} (another subject's schema)`;
          await expect(codec.decode(message.value as Buffer, recordName(id))).rejects.toThrow(new RegExp(`^${escaped(reason)}$`));
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
            expect(namedFields(err)).toEqual([field]);
          }
        }),
        RUNS,
      );
    });
  }
});
