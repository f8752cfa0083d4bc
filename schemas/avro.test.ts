import { readdirSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { AVRO_DIR, TOPIC_IDS, TOPICS, valueSchema } from './catalog.ts';
import { NULLED, SAMPLES } from './samples.ts';

// The .avsc files as contracts: valid Avro, documented, logical timestamps, evolvable, and in
// agreement with the catalog and with the TypeScript record shapes (through the samples).

/** Every schema node below `type`, depth first, so rules apply to nested types too. */
function* nodes(type: unknown): Generator<Record<string, unknown> | string> {
  if (typeof type === 'string') yield type;
  else if (Array.isArray(type)) for (const t of type) yield* nodes(t);
  else if (typeof type === 'object' && type !== null) {
    const node = type as Record<string, unknown>;
    yield node;
    if (node.type !== undefined && typeof node.type !== 'string') yield* nodes(node.type);
    if (node.items !== undefined) yield* nodes(node.items);
    if (node.values !== undefined) yield* nodes(node.values);
    if (Array.isArray(node.fields)) for (const f of node.fields as Array<{ type: unknown }>) yield* nodes(f.type);
  }
}

function nonNull(type: unknown): unknown {
  return Array.isArray(type) ? type.find((t) => t !== 'null') : type;
}

const TIME_FIELD = /(_at|_published|^ts|_time)$/;

describe('schema files', () => {
  it('are exactly the catalog\'s, one per topic', () => {
    const files = readdirSync(AVRO_DIR).filter((f) => f.endsWith('.avsc')).sort();
    expect(files).toEqual(TOPIC_IDS.map((id) => TOPICS[id].schemaFile).sort());
  });

  it('have distinct full names', () => {
    const names = TOPIC_IDS.map((id) => `${valueSchema(id).namespace}.${valueSchema(id).name}`);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe.each(TOPIC_IDS)('schema of %s', (id) => {
  const schema = valueSchema(id);
  const type = avro.Type.forSchema(schema as avro.Schema);

  it('parses as an Avro record with a namespace and a doc', () => {
    expect(type.typeName).toBe('record');
    expect(schema.namespace).toMatch(/^dev\.opspipeline\.[a-z]+$/);
    expect(schema.doc?.length).toBeGreaterThan(20);
  });

  it('documents every field', () => {
    const undocumented = schema.fields.filter((f) => !f.doc || f.doc.length < 10).map((f) => f.name);
    expect(undocumented).toEqual([]);
  });

  it('carries its catalog key as a non-null string', () => {
    expect(schema.fields.find((f) => f.name === TOPICS[id].keyField)?.type).toBe('string');
  });

  it('types every time field as timestamp-millis, and uses no other timestamp precision', () => {
    const timeFields = schema.fields.filter((f) => TIME_FIELD.test(f.name));
    expect(timeFields.length).toBeGreaterThan(0);
    for (const f of timeFields) {
      expect({ field: f.name, type: nonNull(f.type) }).toEqual({ field: f.name, type: { type: 'long', logicalType: 'timestamp-millis' } });
    }
    const logical = [...nodes(schema)].filter((n) => typeof n === 'object' && 'logicalType' in n).map((n) => (n as { logicalType: string }).logicalType);
    expect(new Set(logical)).toEqual(new Set(['timestamp-millis']));
  });

  it('uses no Avro enum (labels are documented strings, so new values stay BACKWARD-compatible)', () => {
    expect([...nodes(schema)].filter((n) => typeof n === 'object' && n.type === 'enum')).toEqual([]);
  });

  it('writes nullable fields as ["null", T] with default null', () => {
    for (const f of schema.fields.filter((f) => Array.isArray(f.type))) {
      expect({ field: f.name, first: (f.type as unknown[])[0], default: f.default }).toEqual({ field: f.name, first: 'null', default: null });
    }
  });

  it('agrees with the TypeScript record shape: the sample has exactly its fields and is valid', () => {
    expect(Object.keys(SAMPLES[id]).sort()).toEqual(schema.fields.map((f) => f.name).sort());
    const bad: string[] = [];
    expect(type.isValid(SAMPLES[id], { errorHook: (path) => bad.push(path.join('.')) })).toBe(true);
    expect(bad).toEqual([]);
  });

  it('agrees with the TypeScript record shape on nullability', () => {
    const nullInTs = Object.entries(NULLED[id]).filter(([, v]) => v === null).map(([k]) => k);
    const nullInAvro = schema.fields.filter((f) => Array.isArray(f.type) && f.type.includes('null')).map((f) => f.name);
    expect(nullInTs.sort()).toEqual(nullInAvro.sort());
    expect(type.isValid(NULLED[id])).toBe(true);
  });

  it('round-trips the sample through its binary encoding', () => {
    expect(type.fromBuffer(type.toBuffer(SAMPLES[id]))).toEqual(SAMPLES[id]);
  });
});
