import { readFileSync } from 'node:fs';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { Parser, type AsyncAPIDocumentInterface, type Diagnostic } from '@asyncapi/parser';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { plannedTopics } from './apply.ts';
import { ASYNCAPI_DOC, AVRO_SCHEMA_FORMAT, renderAsyncApi } from './asyncapi.ts';
import { TOPIC_IDS, dlqTopicName, topicName, valueSchema } from './catalog.ts';

// docs/asyncapi.yaml is current, and @asyncapi/parser (with its Avro schema parser) reads it
// without an error, with every catalog topic and DLQ as a channel carrying the catalog's
// partitions and configs and the registered Avro schema.

const avro = AvroSchemaParser();
let document: AsyncAPIDocumentInterface | undefined;
let diagnostics: Diagnostic[];

beforeAll(async () => {
  ({ document, diagnostics } = await new Parser({ schemaParsers: [avro] }).parse(readFileSync(ASYNCAPI_DOC, 'utf8')));
});

const severity = ['error', 'warning', 'information', 'hint'];

describe('docs/asyncapi.yaml', () => {
  it('is up to date with the catalog and the schemas (run: npx ops-pipeline topics asyncapi)', () => {
    expect(readFileSync(ASYNCAPI_DOC, 'utf8')).toBe(renderAsyncApi());
  });

  it('parses as AsyncAPI 3 with no diagnostics', () => {
    // Not even warnings or hints: the parser's Spectral rules (info, servers, operations,
    // channel parameters) all pass, and the document is on the latest version it knows.
    expect(diagnostics.map((d) => `${severity[d.severity]} ${d.code} ${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document?.version()).toMatch(/^3\./);
  });

  it('embeds every Avro payload as a schema avsc accepts', async () => {
    // The parser only converts Avro payloads of a v3 document; it validates them for v2 only.
    const raw = parse(readFileSync(ASYNCAPI_DOC, 'utf8')) as { components: { messages: Record<string, { payload: { schemaFormat?: string; schema?: unknown } }> } };
    const avroPayloads = Object.entries(raw.components.messages).filter(([, m]) => m.payload.schemaFormat === AVRO_SCHEMA_FORMAT);
    expect(avroPayloads.map(([id]) => id).sort()).toEqual([...TOPIC_IDS].sort());
    for (const [id, m] of avroPayloads) {
      const problems = await avro.validate({ asyncapi: undefined as never, data: m.payload.schema, meta: {}, path: ['components', 'messages', id], schemaFormat: AVRO_SCHEMA_FORMAT, defaultSchemaFormat: AVRO_SCHEMA_FORMAT });
      expect({ id, problems: problems ?? [] }).toEqual({ id, problems: [] });
    }
  });

  it.each(TOPIC_IDS)('%s: a channel for the topic and its DLQ with the catalog\'s partitions, configs and schema', (id) => {
    const plans = new Map(plannedTopics('').map((p) => [p.topic, p]));
    for (const [channelId, topic] of [[id, topicName(id)], [`${id}Dlq`, dlqTopicName(id)]] as const) {
      const channel = document!.channels().get(channelId)!;
      expect(channel.address()).toBe(`{prefix}${topic}`);
      const kafka = channel.bindings().get('kafka')!.value() as { partitions: number; topicConfiguration: Record<string, unknown> };
      const plan = plans.get(topic)!;
      expect(kafka.partitions).toBe(plan.partitions);
      expect(kafka.topicConfiguration).toEqual({ ...Object.fromEntries(Object.entries(plan.configs).map(([k, v]) => [k, Number(v)])), 'cleanup.policy': [plan.configs['cleanup.policy']] });
    }
    const message = document!.channels().get(id)!.messages().get(id)!;
    expect(message.payload()!.schemaFormat()).toBe(AVRO_SCHEMA_FORMAT);
    const schema = valueSchema(id);
    // The parser turned the Avro record into JSON Schema: one property per Avro field.
    expect(Object.keys(message.payload()!.properties() ?? {}).sort()).toEqual(schema.fields.map((f) => f.name).sort());
    expect(message.name()).toBe(`${schema.namespace}.${schema.name}`);
    expect(document!.channels().get(`${id}Dlq`)!.messages().all().map((m) => m.id()).sort()).toEqual(['deadLetter', 'replayMarker']);
  });
});
