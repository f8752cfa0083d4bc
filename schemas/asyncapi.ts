import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CREATED_AT_DOC, CREATED_AT_HEADER, CREATED_AT_TOPICS } from '../core/created-at.ts';
import { DLQ_HEADERS, REPLAY_MARKER_HEADERS, REPLAYED_HEADERS } from '../core/dlq.ts';
import { REPO_ROOT } from '../deploy/local/layout.ts';
import { COMPATIBILITY, plannedTopics } from './apply.ts';
import { DLQ_MAX_MESSAGE_BYTES, DLQ_RETENTION_MS, TOPIC_IDS, TOPICS, dlqTopicName, topicName, valueSchema } from './catalog.ts';
import { GUARANTEES } from './topic-docs.ts';

// docs/asyncapi.yaml, the machine-readable twin of docs/topics.md: an AsyncAPI 3 document
// generated from the catalog and the .avsc files (embedded, so the document stands alone and
// cannot point at a schema that moved). `npx ops-pipeline topics asyncapi` writes it; a test
// fails when it is stale and parses it with @asyncapi/parser.

export const ASYNCAPI_DOC = join(REPO_ROOT, 'docs', 'asyncapi.yaml');

export const AVRO_SCHEMA_FORMAT = 'application/vnd.apache.avro;version=1.9.0';
const KAFKA_BINDING = '0.5.0';

const DLQ_DELIVERY =
  'Written by the component that refused the record (`dlq.stage`): classify, signals and the executor in the Kafka transaction of their consumed offsets (read with `isolation.level=read_committed`: once per refused record); the sink and the candles source before their offset commit or state moves on (at least once: after a crash the same record may appear again, with the same `dlq.source.*` headers — deduplicate on those). `dlq replay` adds replay markers here.';

const PREFIX = { prefix: { description: 'The deployment\'s topic prefix (`topics.prefix`, `--topic-prefix`), empty by default.', examples: ['', 'staging.'] } };

const ref = (path: string) => ({ $ref: `#/${path}` });

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The broker's topic configs as the Kafka channel binding spells them (numbers, cleanup as a list). */
function topicConfiguration(configs: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { 'cleanup.policy': configs['cleanup.policy']!.split(',') };
  for (const [k, v] of Object.entries(configs)) if (k !== 'cleanup.policy') out[k] = Number(v);
  return out;
}

function bindingFor(topic: string): Record<string, unknown> {
  const plan = plannedTopics('').find((p) => p.topic === topic)!;
  return { kafka: { partitions: plan.partitions, topicConfiguration: topicConfiguration(plan.configs), bindingVersion: KAFKA_BINDING } };
}

const stringHeaders = (names: Record<string, string>, required: string[] = []) => ({
  type: 'object',
  properties: Object.fromEntries(Object.entries(names).map(([name, description]) => [name, { type: 'string', description }])),
  ...(required.length ? { required } : {}),
});

function components(): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  for (const id of TOPIC_IDS) {
    const spec = TOPICS[id];
    const schema = valueSchema(id);
    messages[id] = {
      name: `${schema.namespace}.${schema.name}`,
      title: spec.base,
      summary: schema.doc,
      contentType: 'application/octet-stream',
      description: `Avro in the Confluent wire format (magic byte 0, 4-byte schema id, body) under subject \`<topic>-value\` (${COMPATIBILITY}). ${GUARANTEES[id]}`,
      headers: ref(`components/schemas/${CREATED_AT_TOPICS.includes(id) ? 'createdHeaders' : 'replayedHeaders'}`),
      payload: { schemaFormat: AVRO_SCHEMA_FORMAT, schema },
      bindings: {
        kafka: {
          key: { type: 'string', description: `\`${spec.keyField}\`, UTF-8; the default (murmur2) partitioner places every record of a key in one partition` },
          schemaIdLocation: 'payload',
          schemaIdPayloadEncoding: 'confluent',
          schemaLookupStrategy: 'TopicNameStrategy',
          bindingVersion: KAFKA_BINDING,
        },
      },
    };
  }
  messages.deadLetter = {
    name: 'deadLetter',
    title: 'A refused record',
    summary: 'A record a component could not decode or use, unchanged, with the reason and its origin in headers.',
    contentType: 'application/octet-stream',
    headers: stringHeaders(
      {
        [DLQ_HEADERS.errorClass]: 'The error class, e.g. `BadRecordError`, `ConstraintViolation`.',
        [DLQ_HEADERS.errorMessage]: 'The reason (at most 4000 characters).',
        [DLQ_HEADERS.stage]: 'The component that refused it: `sink`, `classify`, `signals`, `executor`, `candles`.',
        [DLQ_HEADERS.topic]: 'The topic it was read from (or meant for).',
        [DLQ_HEADERS.partition]: 'Its partition; `-1` when a source refused it before producing it.',
        [DLQ_HEADERS.offset]: 'Its offset; `-1` when a source refused it before producing it.',
        [DLQ_HEADERS.timestamp]: 'Its Kafka timestamp (epoch milliseconds), when it had one.',
      },
      [DLQ_HEADERS.errorClass, DLQ_HEADERS.errorMessage, DLQ_HEADERS.stage, DLQ_HEADERS.topic, DLQ_HEADERS.partition, DLQ_HEADERS.offset],
    ),
    payload: { type: ['string', 'null'], format: 'binary', description: 'The refused value byte for byte: usually the topic\'s Avro wire format; JSON for a bar the candles source refused; anything a producer wrote.' },
    bindings: { kafka: { key: { type: ['string', 'null'], description: 'The refused record\'s key, byte for byte.' }, bindingVersion: KAFKA_BINDING } },
  };
  messages.replayMarker = {
    name: 'replayMarker',
    title: 'A replay marker',
    summary: 'Written by `ops-pipeline dlq replay` in the transaction that sent a DLQ record back to its source topic; not a refused record.',
    headers: stringHeaders(
      {
        [REPLAY_MARKER_HEADERS.of]: 'The replayed DLQ record, `<partition>:<offset>`.',
        [REPLAY_MARKER_HEADERS.to]: 'Where it went, `<topic>:<partition>:<offset>`.',
      },
      [REPLAY_MARKER_HEADERS.of, REPLAY_MARKER_HEADERS.to],
    ),
    payload: { type: 'null' },
    bindings: { kafka: { key: { type: 'null' }, bindingVersion: KAFKA_BINDING } },
  };
  const replayed: Record<string, string> = { [REPLAYED_HEADERS.from]: 'Set only on a record `dlq replay` sent back from a DLQ: `<dlq topic>:<partition>:<offset>`.' };
  for (const name of Object.values(DLQ_HEADERS)) replayed[`${REPLAYED_HEADERS.prefix}${name.slice('dlq.'.length)}`] = `The replayed DLQ record's \`${name}\`.`;
  return { messages, schemas: { replayedHeaders: stringHeaders(replayed), createdHeaders: stringHeaders({ [CREATED_AT_HEADER]: CREATED_AT_DOC, ...replayed }) }, parameters: PREFIX };
}

export function asyncApiDocument(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const id of TOPIC_IDS) {
    const spec = TOPICS[id];
    const dlq = `${id}Dlq`;
    channels[id] = {
      address: `{prefix}${topicName(id)}`,
      title: spec.base,
      description: valueSchema(id).doc,
      parameters: { prefix: ref('components/parameters/prefix') },
      messages: { [id]: ref(`components/messages/${id}`) },
      bindings: bindingFor(topicName(id)),
    };
    channels[dlq] = {
      address: `{prefix}${dlqTopicName(id)}`,
      title: dlqTopicName(id),
      description: `The records of \`${spec.base}\` a component refused, kept ${DLQ_RETENTION_MS / 86_400_000} days, up to ${DLQ_MAX_MESSAGE_BYTES} bytes each. ${DLQ_DELIVERY}`,
      parameters: { prefix: ref('components/parameters/prefix') },
      messages: { deadLetter: ref('components/messages/deadLetter'), replayMarker: ref('components/messages/replayMarker') },
      bindings: bindingFor(dlqTopicName(id)),
    };
    operations[`send${id[0]!.toUpperCase()}${id.slice(1)}`] = { action: 'send', channel: ref(`channels/${id}`), summary: GUARANTEES[id], messages: [ref(`channels/${id}/messages/${id}`)] };
    operations[`send${id[0]!.toUpperCase()}${id.slice(1)}Dlq`] = {
      action: 'send',
      channel: ref(`channels/${dlq}`),
      summary: DLQ_DELIVERY,
      messages: [ref(`channels/${dlq}/messages/deadLetter`), ref(`channels/${dlq}/messages/replayMarker`)],
    };
  }
  return {
    asyncapi: '3.1.0',
    info: {
      title: 'ops-pipeline topics',
      version: packageVersion(),
      description: 'The Kafka topics of ops-pipeline for downstream consumers (the same contract as docs/topics.md). Values are Avro in the Confluent wire format, keys UTF-8 strings, timestamps `timestamp-millis` (UTC). Every topic has a `<topic>.dlq`.',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'The broker of `npx ops-pipeline services up`; a deployment has its own (`kafka.brokers`).',
        bindings: { kafka: { schemaRegistryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7', schemaRegistryVendor: 'apicurio', bindingVersion: KAFKA_BINDING } },
      },
    },
    channels,
    operations,
    components: components(),
  };
}

export function renderAsyncApi(): string {
  const header = '# Generated by `npx ops-pipeline topics asyncapi` from schemas/catalog.ts and schemas/avro/*.avsc. Do not edit.\n';
  return header + stringify(asyncApiDocument(), { lineWidth: 0, aliasDuplicateObjects: false });
}
