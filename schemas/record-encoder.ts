import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Message } from 'kafkajs';
import { AvroCodec } from '../core/avro-codec.ts';
import { TOPICS, topicName, valueSubject, type TopicId } from './catalog.ts';
import type { TopicRecords } from './records.ts';

// Turns records into Kafka messages of a topic: the key from the catalog's key field, the
// value in the Confluent wire format under the subject's latest registered schema.

export class RecordEncoder {
  private readonly codec: AvroCodec;
  private readonly ids = new Map<TopicId, Promise<number>>();

  constructor(
    private readonly registry: SchemaRegistry,
    readonly prefix: string,
  ) {
    this.codec = new AvroCodec(registry);
  }

  topic(id: TopicId): string {
    return topicName(id, this.prefix);
  }

  private schemaId(id: TopicId): Promise<number> {
    let schemaId = this.ids.get(id);
    if (!schemaId) {
      schemaId = this.registry.getLatestSchemaId(valueSubject(this.topic(id)));
      schemaId.catch(() => this.ids.delete(id));
      this.ids.set(id, schemaId);
    }
    return schemaId;
  }

  async message<K extends TopicId>(id: K, record: TopicRecords[K], headers?: Message['headers']): Promise<Message> {
    const key = String((record as unknown as Record<string, unknown>)[TOPICS[id].keyField]);
    return { key, value: await this.codec.encode(await this.schemaId(id), record), headers };
  }

  async messages<K extends TopicId>(id: K, records: ReadonlyArray<TopicRecords[K]>): Promise<Message[]> {
    return Promise.all(records.map((r) => this.message(id, r)));
  }
}
